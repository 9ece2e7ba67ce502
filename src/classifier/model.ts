import type { SparseVector } from './features.js';

/** The scores the classifier predicts, the same 0-5 scale as the LLM scorer's rubrics. */
export const SCORE_CLASSES = 6;

export interface Prediction {
  /** Probability-weighted mean of the classes: Σ p(k)·k, between 0 and 5. */
  expected: number;
  /** The class with the highest probability. */
  best: number;
  probabilities: Float64Array;
}

/**
 * Multinomial logistic regression over hashed features: one weight per bucket and class,
 * stored bucket-major (`weights[bucket * 6 + class]`) so one feature's six weights sit together.
 */
export class LinearModel {
  readonly buckets: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;

  constructor(buckets: number, weights?: Float32Array, bias?: Float32Array) {
    this.buckets = buckets;
    this.weights = weights ?? new Float32Array(buckets * SCORE_CLASSES);
    this.bias = bias ?? new Float32Array(SCORE_CLASSES);
    if (this.weights.length !== buckets * SCORE_CLASSES) {
      throw new RangeError(`weights must have ${buckets * SCORE_CLASSES} entries (buckets × classes), got ${this.weights.length}`);
    }
    if (this.bias.length !== SCORE_CLASSES) throw new RangeError(`bias must have ${SCORE_CLASSES} entries, got ${this.bias.length}`);
  }

  /** Writes the class probabilities of `vector` into `out` and returns it. */
  probabilities(vector: SparseVector, out: Float64Array = new Float64Array(SCORE_CLASSES)): Float64Array {
    for (let k = 0; k < SCORE_CLASSES; k++) out[k] = this.bias[k]!;
    const { indices, values } = vector;
    for (let j = 0; j < indices.length; j++) {
      const row = indices[j]! * SCORE_CLASSES;
      const value = values[j]!;
      for (let k = 0; k < SCORE_CLASSES; k++) out[k]! += this.weights[row + k]! * value;
    }
    return softmaxInPlace(out);
  }

  predict(vector: SparseVector): Prediction {
    const probabilities = this.probabilities(vector);
    let expected = 0;
    let best = 0;
    for (let k = 0; k < SCORE_CLASSES; k++) {
      expected += k * probabilities[k]!;
      if (probabilities[k]! > probabilities[best]!) best = k;
    }
    return { expected, best, probabilities };
  }
}

/** Turns logits into probabilities. Subtracting the maximum first keeps exp() from overflowing. */
export function softmaxInPlace(logits: Float64Array): Float64Array {
  let max = -Infinity;
  for (const logit of logits) if (logit > max) max = logit;
  let sum = 0;
  for (let k = 0; k < logits.length; k++) {
    const e = Math.exp(logits[k]! - max);
    logits[k] = e;
    sum += e;
  }
  for (let k = 0; k < logits.length; k++) logits[k] = logits[k]! / sum;
  return logits;
}

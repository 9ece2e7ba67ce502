import { z } from 'zod';
import { SeededRandom, shuffleInPlace } from '../export/random.js';
import type { SparseVector } from './features.js';
import { LinearModel, SCORE_CLASSES } from './model.js';

/** Optimiser settings, stored in the model file so a model can be trained again the same way. */
export const trainingConfigSchema = z
  .object({
    /** Passes over the training documents. */
    epochs: z.number().int().min(1).max(1000).default(10),
    /** AdaGrad's base step size. */
    learningRate: z.number().positive().max(100).default(0.5),
    /** L2 penalty per weight, applied to the weights of the features a document has when it is seen. */
    l2: z.number().min(0).max(1).default(1e-5),
    /** Seed of the order in which documents are visited. The same seed and data give the same weights. */
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
    /** Weighs each document by the inverse frequency of its label, so rare scores count as much as common ones. */
    balanceClasses: z.boolean().default(false),
  })
  .strict();

export type TrainingConfig = z.infer<typeof trainingConfigSchema>;

export interface Example {
  features: SparseVector;
  /** Integer score 0-5. */
  label: number;
}

/** Keeps AdaGrad's first steps finite when a weight's squared-gradient sum is still zero. */
const ADAGRAD_EPSILON = 1e-8;

/**
 * Trains multinomial logistic regression with AdaGrad on the cross-entropy loss. Every source of
 * randomness is the seeded visiting order, so training is deterministic for a given input.
 */
export function trainModel(examples: readonly Example[], buckets: number, config: TrainingConfig): LinearModel {
  for (const example of examples) checkLabel(example.label);
  const model = new LinearModel(buckets);
  const squaredGradients = new Float32Array(model.weights.length);
  const biasSquaredGradients = new Float64Array(SCORE_CLASSES);
  const classWeights = config.balanceClasses ? balancedClassWeights(examples) : new Float64Array(SCORE_CLASSES).fill(1);
  const order = examples.map((_, i) => i);
  const random = new SeededRandom(config.seed, 'train-scorer/visiting-order');
  const errors = new Float64Array(SCORE_CLASSES);

  for (let epoch = 0; epoch < config.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const i of order) {
      const { features, label } = examples[i]!;
      // The gradient of cross-entropy through softmax is (p - y) per class.
      model.probabilities(features, errors);
      errors[label]! -= 1;
      const weight = classWeights[label]!;
      for (let k = 0; k < SCORE_CLASSES; k++) errors[k] = errors[k]! * weight;
      updateWeights(model, squaredGradients, features, errors, config);
      for (let k = 0; k < SCORE_CLASSES; k++) {
        const gradient = errors[k]!;
        biasSquaredGradients[k]! += gradient * gradient;
        model.bias[k]! -= (config.learningRate * gradient) / (Math.sqrt(biasSquaredGradients[k]!) + ADAGRAD_EPSILON);
      }
    }
  }
  return model;
}

function updateWeights(model: LinearModel, squaredGradients: Float32Array, features: SparseVector, errors: Float64Array, config: TrainingConfig): void {
  const { weights } = model;
  const { indices, values } = features;
  for (let j = 0; j < indices.length; j++) {
    const row = indices[j]! * SCORE_CLASSES;
    const value = values[j]!;
    for (let k = 0; k < SCORE_CLASSES; k++) {
      const at = row + k;
      const gradient = errors[k]! * value + config.l2 * weights[at]!;
      if (gradient === 0) continue;
      squaredGradients[at]! += gradient * gradient;
      weights[at]! -= (config.learningRate * gradient) / (Math.sqrt(squaredGradients[at]!) + ADAGRAD_EPSILON);
    }
  }
}

/** Returns n / (classes present × count of class k) for each class k that occurs, else 0. */
export function balancedClassWeights(examples: readonly Example[]): Float64Array {
  const counts = new Float64Array(SCORE_CLASSES);
  for (const { label } of examples) counts[label]! += 1;
  const present = counts.filter((count) => count > 0).length;
  return counts.map((count) => (count > 0 ? examples.length / (present * count) : 0));
}

function checkLabel(label: number): void {
  if (!Number.isInteger(label) || label < 0 || label >= SCORE_CLASSES) {
    throw new RangeError(`training labels must be integers from 0 to ${SCORE_CLASSES - 1}, got ${label}`);
  }
}

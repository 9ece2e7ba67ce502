import { describe, expect, it } from 'vitest';
import { LinearModel, SCORE_CLASSES, softmaxInPlace } from './model.js';

describe('LinearModel', () => {
  it('predicts uniform probabilities with zero weights', () => {
    const model = new LinearModel(16);

    const prediction = model.predict({ indices: Uint32Array.of(3), values: Float32Array.of(1) });

    for (const p of prediction.probabilities) expect(p).toBeCloseTo(1 / SCORE_CLASSES);
    expect(prediction.expected).toBeCloseTo(2.5);
  });

  it('computes the expected score from the weights of each feature', () => {
    const model = new LinearModel(4);
    model.weights[2 * SCORE_CLASSES + 5] = 10;

    const prediction = model.predict({ indices: Uint32Array.of(2), values: Float32Array.of(1) });

    expect(prediction.best).toBe(5);
    expect(prediction.expected).toBeGreaterThan(4.9);
  });

  it('adds repeated indices', () => {
    const model = new LinearModel(4);
    model.weights[1 * SCORE_CLASSES + 0] = 1;

    const once = model.probabilities({ indices: Uint32Array.of(1), values: Float32Array.of(2) });
    const twice = model.probabilities({ indices: Uint32Array.of(1, 1), values: Float32Array.of(1, 1) });

    expect([...twice]).toEqual([...once]);
  });

  it('rejects weights of the wrong size', () => {
    expect(() => new LinearModel(4, new Float32Array(5))).toThrow(/24 entries/);
  });
});

describe('softmaxInPlace', () => {
  it('stays finite for large logits', () => {
    const probabilities = softmaxInPlace(Float64Array.of(1000, 1000, -1000));

    expect(probabilities[0]).toBeCloseTo(0.5);
    expect(probabilities[2]).toBe(0);
  });
});

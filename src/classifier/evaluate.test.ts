import { describe, expect, it } from 'vitest';
import { agreement, labelDistribution, pearson, ranks } from './evaluate.js';
import type { Prediction } from './model.js';

function prediction(expected: number, best = Math.round(expected)): Prediction {
  return { expected, best, probabilities: new Float64Array(6) };
}

describe('agreement', () => {
  it('counts exact, within-1 and keep/drop agreement', () => {
    const labels = [0, 2, 4, 5];
    const predictions = [prediction(0.2, 0), prediction(3.1, 3), prediction(3.4, 3), prediction(1.8, 2)];

    const metrics = agreement(labels, predictions, 3);

    expect(metrics.documents).toBe(4);
    expect(metrics.exactAccuracy).toBe(0.25);
    expect(metrics.within1Accuracy).toBe(0.75);
    expect(metrics.keepDrop).toEqual({ bothKeep: 1, bothDrop: 1, onlyClassifierKeeps: 1, onlyLlmKeeps: 1 });
    expect(metrics.keepDropAgreement).toBe(0.5);
    expect(metrics.keepDropKappa).toBeCloseTo(0);
    expect(metrics.meanAbsoluteError).toBeCloseTo((0.2 + 1.1 + 0.6 + 3.2) / 4);
    expect(metrics.majorityClassAccuracy).toBe(0.25);
  });

  it('reports perfect agreement', () => {
    const labels = [1, 2, 4, 5];

    const metrics = agreement(labels, labels.map((label) => prediction(label)), 3);

    expect(metrics.exactAccuracy).toBe(1);
    expect(metrics.pearson).toBeCloseTo(1);
    expect(metrics.spearman).toBeCloseTo(1);
    expect(metrics.keepDropKappa).toBeCloseTo(1);
  });

  it('returns null correlations for constant labels', () => {
    const metrics = agreement([3, 3, 3], [prediction(1), prediction(2), prediction(3)], 3);

    expect(metrics.pearson).toBeNull();
    expect(metrics.spearman).toBeNull();
    expect(metrics.majorityClassAccuracy).toBe(1);
  });

  it('rejects lists of different lengths', () => {
    expect(() => agreement([1, 2], [prediction(1)], 3)).toThrow(/2 labels but 1 predictions/);
  });
});

describe('pearson', () => {
  it('matches a hand-computed value', () => {
    // x = 1..4, y = 2, 4, 5, 4: covariance 3.5, variances 5 and 4.75.
    expect(pearson([1, 2, 3, 4], [2, 4, 5, 4])).toBeCloseTo(3.5 / Math.sqrt(5 * 4.75), 10);
  });

  it('returns null for fewer than two values', () => {
    expect(pearson([1], [2])).toBeNull();
  });
});

describe('ranks', () => {
  it('gives ties their mean rank', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });
});

describe('labelDistribution', () => {
  it('counts every score from 0 to 5', () => {
    expect(labelDistribution([0, 5, 5, 3])).toEqual({ '0': 1, '1': 0, '2': 0, '3': 1, '4': 0, '5': 2 });
  });
});

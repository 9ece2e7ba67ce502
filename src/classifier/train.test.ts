import { describe, expect, it } from 'vitest';
import { agreement } from './evaluate.js';
import { FeatureExtractor, featureConfigSchema } from './features.js';
import { SCORE_CLASSES } from './model.js';
import { splitHoldout } from './sample.js';
import { syntheticCorpus } from './testing.js';
import { balancedClassWeights, trainModel, trainingConfigSchema, type Example } from './train.js';

const FEATURES = featureConfigSchema.parse({ buckets: 1 << 16 });

function examplesOf(documents: Array<{ text: string; domain: string; score: number }>): Example[] {
  const extractor = new FeatureExtractor(FEATURES);
  return documents.map((doc) => ({ features: extractor.extract(doc.text, doc.domain), label: doc.score }));
}

describe('trainModel', () => {
  it('separates a synthetic corpus on held-out documents', () => {
    const { train, holdout } = splitHoldout(syntheticCorpus(40, 7), 0.25, 7);
    const model = trainModel(examplesOf(train), FEATURES.buckets, trainingConfigSchema.parse({}));

    const extractor = new FeatureExtractor(FEATURES);
    const predictions = holdout.map((doc) => model.predict(extractor.extract(doc.text, doc.domain)));
    const metrics = agreement(
      holdout.map((doc) => doc.score),
      predictions,
      3,
    );
    expect(holdout.length).toBe(50);
    expect(metrics.exactAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(metrics.keepDropAgreement).toBeGreaterThanOrEqual(0.95);
    expect(metrics.pearson).toBeGreaterThan(0.9);
  });

  it('returns identical weights for the same seed', () => {
    const examples = examplesOf(syntheticCorpus(10, 3));
    const config = trainingConfigSchema.parse({ epochs: 3, seed: 42 });

    const first = trainModel(examples, FEATURES.buckets, config);
    const second = trainModel(examples, FEATURES.buckets, config);

    expect(Buffer.from(second.weights.buffer).equals(Buffer.from(first.weights.buffer))).toBe(true);
    expect([...second.bias]).toEqual([...first.bias]);
  });

  it('returns different weights for another seed', () => {
    const examples = examplesOf(syntheticCorpus(10, 3));

    const first = trainModel(examples, FEATURES.buckets, trainingConfigSchema.parse({ epochs: 3, seed: 1 }));
    const second = trainModel(examples, FEATURES.buckets, trainingConfigSchema.parse({ epochs: 3, seed: 2 }));

    expect(Buffer.from(second.weights.buffer).equals(Buffer.from(first.weights.buffer))).toBe(false);
  });

  it('learns the label prior from the bias', () => {
    // Empty vectors leave only the bias to learn, so it must match the label frequencies.
    const empty = { indices: new Uint32Array(0), values: new Float32Array(0) };
    const examples: Example[] = [...Array(30).fill(3), ...Array(10).fill(1)].map((label: number) => ({ features: empty, label }));

    const model = trainModel(examples, 1024, trainingConfigSchema.parse({ epochs: 50, learningRate: 0.1 }));

    const probabilities = model.probabilities(empty);
    expect(probabilities[3]).toBeCloseTo(0.75, 1);
    expect(probabilities[1]).toBeCloseTo(0.25, 1);
  });

  it('rejects labels outside 0-5', () => {
    const empty = { indices: new Uint32Array(0), values: new Float32Array(0) };

    expect(() => trainModel([{ features: empty, label: 6 }], 1024, trainingConfigSchema.parse({}))).toThrow(/integers from 0 to 5, got 6/);
    expect(() => trainModel([{ features: empty, label: 2.5 }], 1024, trainingConfigSchema.parse({}))).toThrow(/got 2.5/);
  });
});

describe('balancedClassWeights', () => {
  it('weighs rare labels up and absent labels zero', () => {
    const empty = { indices: new Uint32Array(0), values: new Float32Array(0) };
    const examples: Example[] = [0, 0, 0, 5].map((label) => ({ features: empty, label }));

    const weights = balancedClassWeights(examples);

    expect(weights).toHaveLength(SCORE_CLASSES);
    expect(weights[0]).toBeCloseTo(4 / 6);
    expect(weights[5]).toBeCloseTo(2);
    expect(weights[3]).toBe(0);
  });
});

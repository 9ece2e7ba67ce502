import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { FeatureExtractor, featureConfigSchema } from '../classifier/features.js';
import { encodeModelFile, saveModelFile } from '../classifier/model-file.js';
import { syntheticCorpus } from '../classifier/testing.js';
import { trainModel, trainingConfigSchema } from '../classifier/train.js';
import { ConfigError } from '../core/errors.js';
import type { Outcome } from '../core/operator.js';
import { makeRecord } from '../core/testing.js';
import { CLASSIFIER_SCORER_RULES, createClassifierScorer, parseClassifierScorerConfig } from './classifier-scorer.js';

const ctx = { log: pino({ level: 'silent' }) };
let modelPath: string;
let modelVersion: string;

beforeAll(async () => {
  const features = featureConfigSchema.parse({ buckets: 1 << 16 });
  const training = trainingConfigSchema.parse({});
  const extractor = new FeatureExtractor(features);
  const examples = syntheticCorpus(20, 11).map((doc) => ({ features: extractor.extract(doc.text, doc.domain), label: doc.score }));
  const file = encodeModelFile(trainModel(examples, features.buckets, training), {
    features,
    labels: { source: 'file', promptVersions: ['score-web-en/1', 'score-web-zh/1'], llmModels: ['gemma-3-270m'], documents: examples.length, distribution: {} },
    training: { config: training, trainDocuments: examples.length, holdoutDocuments: 0, holdoutFraction: 0, seed: 1 },
    metrics: null,
    trainedAt: new Date(),
  });
  modelPath = join(mkdtempSync(join(tmpdir(), 'tiers-classifier-')), 'model.json');
  modelVersion = file.modelVersion;
  await saveModelFile(modelPath, file);
});

function single(outcomes: Outcome[]): Outcome {
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

describe('classifier-scorer', () => {
  it('promotes an explanatory document with its score and model version', async () => {
    const operator = createClassifierScorer({ modelPath });
    const record = makeRecord('The theorem explains why energy is conserved, because each step of the proof follows from the definition.');

    const outcome = single(await operator.process(record, ctx));

    expect(outcome.kind).toBe('promote');
    expect(record.signals.classifier_score).toBeGreaterThanOrEqual(3);
    expect(outcome.details).toEqual({
      modelVersion,
      labelsPrompt: 'score-web-en/1,score-web-zh/1',
      score: String(record.signals.classifier_score),
      threshold: '3',
    });
  });

  it('rejects Chinese gambling spam with rule, score and threshold', async () => {
    const operator = createClassifierScorer({ modelPath, threshold: 2.5 });
    const record = makeRecord('威尼斯人现金网娱乐城注册送彩金百家乐老虎机开户优惠网址');

    const outcome = single(await operator.process(record, ctx));

    expect(outcome.kind).toBe('reject');
    if (outcome.kind !== 'reject') return;
    const score = record.signals.classifier_score!;
    expect(score).toBeLessThan(1);
    expect(outcome.rule).toBe('classifier_score_below_threshold');
    expect(CLASSIFIER_SCORER_RULES).toContain(outcome.rule);
    expect(outcome.value).toBe(score);
    expect(outcome.reason).toBe(`classifier score ${score} is below the threshold 2.5 (model ${modelVersion}, trained on score-web-en/1,score-web-zh/1 labels)`);
    expect(outcome.details?.modelVersion).toBe(modelVersion);
  });

  it('promotes Chinese explanatory text', async () => {
    const operator = createClassifierScorer({ modelPath });
    const record = makeRecord('因为能量守恒，所以我们可以推导这个方程。例如定理的证明说明了每一步。');

    expect(single(await operator.process(record, ctx)).kind).toBe('promote');
    expect(record.signals.classifier_score).toBeGreaterThanOrEqual(3);
  });

  it('keeps scores to three decimals from 0 to 5', async () => {
    const operator = createClassifierScorer({ modelPath });

    for (const text of ['', 'buy cheap pills now', 'our amazing product', '数学']) {
      const record = makeRecord(text);
      await operator.process(record, ctx);
      const score = record.signals.classifier_score!;
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(5);
      expect(Math.round(score * 1000) / 1000).toBe(score);
    }
  });

  it('names a missing model file', () => {
    const missing = join(tmpdir(), 'no-such-dir', 'model.json');

    expect(() => createClassifierScorer({ modelPath: missing })).toThrow(ConfigError);
    expect(() => createClassifierScorer({ modelPath: missing })).toThrow(`classifier model file ${missing} does not exist`);
  });
});

describe('parseClassifierScorerConfig', () => {
  it('fills in the default threshold', () => {
    expect(parseClassifierScorerConfig({ modelPath: 'm.json' })).toEqual({ modelPath: 'm.json', threshold: 3 });
  });

  it('requires modelPath', () => {
    expect(() => parseClassifierScorerConfig({})).toThrow('classifier-scorer.modelPath is required: the model file from `tiers train-scorer`, got undefined');
  });

  it('rejects a threshold above 5', () => {
    expect(() => parseClassifierScorerConfig({ modelPath: 'm.json', threshold: 6 })).toThrow('classifier-scorer.threshold must be at most 5, got 6');
  });

  it('rejects unknown options', () => {
    expect(() => parseClassifierScorerConfig({ modelPath: 'm.json', model: 'x' })).toThrow(/classifier-scorer has unknown option\(s\) 'model'/);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { makeRecord } from '../core/testing.js';
import { featureConfigSchema } from './features.js';
import { loadModelFile } from './model-file.js';
import { restoreTierFields, trainScorer, type TrainScorerOptions } from './pipeline.js';
import { syntheticCorpus } from './testing.js';
import { trainingConfigSchema } from './train.js';

const log = pino({ level: 'silent' });

function writeLabels(dir: string): string {
  const path = join(dir, 'l2.jsonl');
  const lines = syntheticCorpus(12, 5).map((doc, i) =>
    JSON.stringify(
      makeRecord(doc.text, {
        id: `doc-${i}`,
        tier: 'l2',
        signals: { llm_score: doc.score },
        lineage: [{ operator: 'llm-scorer', version: '1.0.0', time: 1, action: 'promote', parentId: null, details: { prompt: 'score-web-en/1', model: 'gemma-3-270m' } }],
      }),
    ),
  );
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function options(dir: string, overrides: Partial<TrainScorerOptions> = {}): TrainScorerOptions {
  return {
    inputs: [],
    read: {},
    labelsFiles: [writeLabels(dir)],
    labelling: { concurrency: 1, maxInputChars: 2000, maxTokens: 64, attempts: 1 },
    sample: 1000,
    holdout: 0.2,
    seed: 1,
    threshold: 3,
    features: featureConfigSchema.parse({ buckets: 1 << 16 }),
    training: trainingConfigSchema.parse({}),
    out: join(dir, 'model.json'),
    log,
    ...overrides,
  };
}

describe('trainScorer from a labels file', () => {
  it('writes a model file with labels info and metrics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiers-train-'));

    const summary = await trainScorer(options(dir));
    const loaded = loadModelFile(join(dir, 'model.json'));

    expect(summary.documents).toEqual({ read: 60, sampled: 60, labelled: 60, unlabelled: 0, train: 48, holdout: 12 });
    expect(summary.labels).toMatchObject({ source: 'file', promptVersions: ['score-web-en/1'], llmModels: ['gemma-3-270m'], documents: 60 });
    expect(summary.holdout!.exactAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(summary.throughput.llmDocsPerSecond).toBeNull();
    expect(summary.throughput.classifierDocsPerSecond).toBeGreaterThan(100);
    expect(loaded.file.modelVersion).toBe(summary.modelVersion);
    expect(loaded.file.metrics).toMatchObject({ holdout: { documents: 12 }, throughput: { classifierToLlmRatio: null } });
    expect(loaded.file.training).toMatchObject({ trainDocuments: 48, holdoutDocuments: 12, holdoutFraction: 0.2, seed: 1 });
  });

  it('trains the same model twice from the same seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiers-train-'));

    const first = await trainScorer(options(dir, { out: join(dir, 'a.json') }));
    const second = await trainScorer(options(dir, { out: join(dir, 'b.json') }));

    expect(second.modelVersion).toBe(first.modelVersion);
  });

  it('samples the requested number of documents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiers-train-'));

    const summary = await trainScorer(options(dir, { sample: 10, holdout: 0 }));

    expect(summary.documents).toMatchObject({ sampled: 10, train: 10, holdout: 0 });
    expect(summary.holdout).toBeNull();
  });

  it('reads several labels files and counts lines without a score', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiers-train-'));
    const unscored = join(dir, 'rejected.jsonl');
    writeFileSync(unscored, [JSON.stringify(makeRecord('rejected before scoring')), 'not json'].join('\n') + '\n');

    const summary = await trainScorer(options(dir, { labelsFiles: [writeLabels(dir), unscored] }));

    expect(summary.documents).toMatchObject({ read: 62, sampled: 60, labelled: 60, unlabelled: 2 });
  });

  it('fails clearly when the file has no scores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiers-train-'));
    const path = join(dir, 'l1.jsonl');
    writeFileSync(path, JSON.stringify(makeRecord('no score here')) + '\n');

    await expect(trainScorer(options(dir, { labelsFiles: [path] }))).rejects.toThrow(/only 0 document\(s\) got a label.*signals.llm_score/);
  });
});

describe('restoreTierFields', () => {
  it('takes domain and language from a tier record read as input', () => {
    const record = makeRecord('x', { domain: 'web', meta: { tier: 'l1', domain: 'math', lang: 'zh', lineage: [] } });

    expect(restoreTierFields(record)).toMatchObject({ domain: 'math', lang: 'zh' });
  });

  it('leaves other inputs alone', () => {
    const record = makeRecord('x', { domain: 'web', meta: { domain: 'math' } });

    expect(restoreTierFields(record).domain).toBe('web');
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelFile } from '../src/classifier/model-file.js';
import type { TrainScorerSummary } from '../src/classifier/pipeline.js';
import { syntheticCorpus } from '../src/classifier/testing.js';
import type { Outcome } from '../src/core/operator.js';
import { makeRecord } from '../src/core/testing.js';
import { createClassifierScorer } from '../src/operators/classifier-scorer.js';
import { runCli, sharedData } from './support/cli.js';
import { llmModel, llmUrl } from './support/llm.js';

const ctx = { log: pino({ level: 'silent' }) };
const quality = join(sharedData, 'labelled/quality');

function jsonLines(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Real documents that people labelled, half judged good and half bad, in English and Chinese:
 * DCLM's majority-vote judgements of Common Crawl pages and ChineseWebText's clean and dirty seeds.
 */
function mixedDocuments(perGroup: number): Array<{ id: string; text: string; language?: string }> {
  const dclm = jsonLines(join(quality, 'majority_data.jsonl'));
  const take = (rows: Array<Record<string, unknown>>, prefix: string, language?: string) =>
    rows.slice(0, perGroup).map((row, i) => ({ id: `${prefix}-${i}`, text: String(row.text), ...(language ? { language } : {}) }));
  return [
    ...take(dclm.filter((row) => row.label === 1), 'en-good'),
    ...take(dclm.filter((row) => row.label === 0), 'en-bad'),
    ...take(jsonLines(join(quality, 'clean.jsonl')), 'zh-clean', 'zh'),
    ...take(jsonLines(join(quality, 'dirty.jsonl')), 'zh-dirty', 'zh'),
  ];
}

function summaryOf(stdout: string): TrainScorerSummary {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines.at(-1)!) as TrainScorerSummary;
}

describe('tiers train-scorer with the local LLM', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tiers-train-scorer-'));
  const input = join(dir, 'mixed.jsonl');
  const modelPath = join(dir, 'model.json');
  const documents = mixedDocuments(3);
  let summary: TrainScorerSummary;
  let stderr = '';

  beforeAll(async () => {
    writeFileSync(input, documents.map((doc) => JSON.stringify(doc)).join('\n') + '\n');
    // No response cache, so every label comes from the model and the throughput is the model's.
    // llama-cpp-python's server takes response_format json_object with a schema, not json_schema.
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ llm: { cacheDir: null, responseFormat: 'json_object' } }));
    // 12 documents with one request each. Short inputs and responses keep each request to seconds.
    const result = await runCli(
      [
        'train-scorer', input,
        '--out', modelPath,
        '--sample', '12',
        '--holdout', '0.25',
        '--seed', '3',
        '--llm-url', llmUrl,
        '--llm-model', llmModel,
        '--llm-max-input-chars', '500',
        '--llm-max-tokens', '80',
        '--llm-attempts', '1',
        '--llm-concurrency', '2',
        '--buckets', '65536',
        '--config', config,
      ],
      { timeoutMs: 280_000 },
    );
    stderr = result.stderr;
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    summary = summaryOf(result.stdout);
  }, 300_000);

  it('labels the sample and reports agreement and throughput', () => {
    expect(summary.documents.read).toBe(12);
    expect(summary.documents.sampled).toBe(12);
    expect(summary.documents.labelled + summary.documents.unlabelled).toBe(12);
    // NOTE: llama-cpp-python's schema converter ignores the score's minimum and maximum, so the
    // local base model sometimes answers a score above 5, which counts as unlabelled.
    expect(summary.documents.labelled, stderr.slice(-2000)).toBeGreaterThanOrEqual(4);
    expect(summary.labelFailures).toHaveLength(summary.documents.unlabelled);
    expect(summary.documents.holdout).toBe(Math.round(summary.documents.labelled * 0.25));
    expect(summary.labels.source).toBe('llm');
    expect(summary.labels.promptVersions.length).toBeGreaterThan(0);
    for (const version of summary.labels.promptVersions) expect(['score-web-en/1', 'score-web-zh/1']).toContain(version);
    expect(summary.labels.llmModels.length).toBe(1);
    expect(Object.values(summary.labels.distribution).reduce((a, b) => a + b, 0)).toBe(summary.documents.labelled);

    const holdout = summary.holdout!;
    expect(holdout.documents).toBe(summary.documents.holdout);
    for (const share of [holdout.exactAccuracy, holdout.within1Accuracy, holdout.keepDropAgreement]) {
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
    }
    const { llmDocsPerSecond, classifierDocsPerSecond, classifierToLlmRatio, llmCachedAnswers } = summary.throughput;
    expect(llmCachedAnswers).toBe(0);
    expect(llmDocsPerSecond).toBeGreaterThan(0);
    // The model takes seconds per document on CPU; the classifier takes well under a millisecond.
    expect(classifierDocsPerSecond).toBeGreaterThan(1000);
    expect(classifierToLlmRatio).toBeCloseTo(classifierDocsPerSecond / llmDocsPerSecond!, 6);
    expect(classifierToLlmRatio).toBeGreaterThan(100);
  });

  it('writes a model file that loads with the same metrics', () => {
    const loaded = loadModelFile(modelPath);

    expect(loaded.file.modelVersion).toBe(summary.modelVersion);
    expect(loaded.file.labels).toEqual(summary.labels);
    expect(loaded.file.metrics).toEqual({ holdout: summary.holdout, train: summary.train, throughput: summary.throughput });
    expect(loaded.features.buckets).toBe(65536);
    expect(loaded.file.training.trainDocuments).toBe(summary.documents.train);
  });

  it('fits the labels it was trained on', () => {
    // A linear model over thousands of n-gram features can separate a dozen documents, so a
    // poor fit here means training or feature extraction is broken.
    expect(summary.train.exactAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('lets classifier-scorer score English and Chinese records', async () => {
    const operator = createClassifierScorer({ modelPath, threshold: 3 });
    const labelsPrompt = summary.labels.promptVersions.join(',');

    for (const doc of documents) {
      const record = makeRecord(doc.text, { id: doc.id, lang: doc.language ?? null });
      const outcomes: Outcome[] = await operator.process(record, ctx);

      expect(outcomes).toHaveLength(1);
      const outcome = outcomes[0]!;
      const score = record.signals.classifier_score!;
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(5);
      expect(outcome.kind).toBe(score >= 3 ? 'promote' : 'reject');
      expect(outcome.details).toMatchObject({ modelVersion: summary.modelVersion, labelsPrompt, score: String(score) });
    }
  });
});

describe('tiers train-scorer with a labels file', () => {
  it('trains from records that carry llm_score without asking a model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiers-train-scorer-'));
    const labels = join(dir, 'l2.jsonl');
    const lineage = [{ operator: 'llm-scorer', version: '1.0.0', time: 1, action: 'promote', parentId: null, details: { prompt: 'score-web-zh/1', model: 'gemma-3-270m' } }];
    const records = syntheticCorpus(10, 2).map((doc, i) => makeRecord(doc.text, { id: `doc-${i}`, tier: 'l2', signals: { llm_score: doc.score }, lineage }));
    writeFileSync(labels, records.map((record) => JSON.stringify(record)).join('\n') + '\n');
    const modelPath = join(dir, 'model.json');

    const result = await runCli(['train-scorer', '--labels', labels, '--out', modelPath, '--buckets', '65536']);

    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const summary = summaryOf(result.stdout);
    expect(summary.documents).toMatchObject({ read: 50, labelled: 50, train: 40, holdout: 10 });
    expect(summary.labels).toMatchObject({ source: 'file', promptVersions: ['score-web-zh/1'] });
    expect(summary.throughput.llmDocsPerSecond).toBeNull();
    expect(summary.holdout!.exactAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(loadModelFile(modelPath).file.modelVersion).toBe(summary.modelVersion);
  });

  it('exits with status 2 when there is nothing to train on', async () => {
    const result = await runCli(['train-scorer', '--out', join(tmpdir(), 'unused-model.json')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('train-scorer needs documents to label (input paths) or a labels file (--labels FILE)');
  });

  it('exits with status 2 for an invalid option value', async () => {
    const result = await runCli(['train-scorer', '--labels', 'x.jsonl', '--out', 'm.json', '--learning-rate', '-1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--learning-rate');
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { FeatureExtractor, featureConfigSchema } from './features.js';
import { decodeModelFile, encodeModelFile, loadModelFile, saveModelFile, type ModelFile, type ModelFileParts } from './model-file.js';
import { syntheticCorpus } from './testing.js';
import { trainModel, trainingConfigSchema } from './train.js';

const FEATURES = featureConfigSchema.parse({ buckets: 1 << 14 });
const TRAINING = trainingConfigSchema.parse({ epochs: 3 });

function trainedModel() {
  const extractor = new FeatureExtractor(FEATURES);
  const examples = syntheticCorpus(5, 1).map((doc) => ({ features: extractor.extract(doc.text, doc.domain), label: doc.score }));
  return trainModel(examples, FEATURES.buckets, TRAINING);
}

function parts(): ModelFileParts {
  return {
    features: FEATURES,
    labels: { source: 'llm', promptVersions: ['score-web-en/1', 'score-web-zh/1'], llmModels: ['gemma-3-270m'], documents: 25, distribution: { '0': 10, '2': 5, '4': 5, '5': 5 } },
    training: { config: TRAINING, trainDocuments: 20, holdoutDocuments: 5, holdoutFraction: 0.2, seed: 1 },
    metrics: { holdout: { exactAccuracy: 0.8 } },
    trainedAt: new Date('2025-01-02T03:04:05.000Z'),
  };
}

function tempPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'tiers-model-')), name);
}

/** Returns an encoded file as plain JSON, which tests may change freely. */
function encodedJson(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(encodeModelFile(trainedModel(), parts()))) as Record<string, unknown>;
}

describe('model file', () => {
  it('round-trips weights, config and metadata', async () => {
    const model = trainedModel();
    const path = tempPath('model.json');

    await saveModelFile(path, encodeModelFile(model, parts()));
    const loaded = loadModelFile(path);

    expect(Buffer.from(loaded.model.weights.buffer).equals(Buffer.from(model.weights.buffer))).toBe(true);
    expect([...loaded.model.bias]).toEqual([...model.bias]);
    expect(loaded.features).toEqual(FEATURES);
    expect(loaded.file.labels.promptVersions).toEqual(['score-web-en/1', 'score-web-zh/1']);
    expect(loaded.file.trainedAt).toBe('2025-01-02T03:04:05.000Z');
    expect(loaded.file.metrics).toEqual({ holdout: { exactAccuracy: 0.8 } });
  });

  it('stores only buckets with weights', () => {
    const file = encodeModelFile(trainedModel(), parts());

    expect(file.weights.rows).toBeGreaterThan(0);
    expect(file.weights.rows).toBeLessThan(FEATURES.buckets / 4);
    expect(Buffer.from(file.weights.values, 'base64').length).toBe(file.weights.rows * 6 * 4);
  });

  it('gives the same modelVersion to the same weights', () => {
    const first = encodeModelFile(trainedModel(), parts());
    const second = encodeModelFile(trainedModel(), { ...parts(), trainedAt: new Date(), metrics: null });

    expect(first.modelVersion).toMatch(/^[0-9a-f]{16}$/);
    expect(second.modelVersion).toBe(first.modelVersion);
  });

  it('gives another modelVersion to other weights', () => {
    const model = trainedModel();
    const first = encodeModelFile(model, parts());
    model.bias[0] = model.bias[0]! + 1;

    expect(encodeModelFile(model, parts()).modelVersion).not.toBe(first.modelVersion);
  });
});

describe('loadModelFile errors', () => {
  const cases: Array<[string, (file: Record<string, unknown>) => unknown, RegExp]> = [
    ['another format', (file) => ({ ...file, format: 'fasttext' }), /is not a classifier model file: its format is "fasttext"/],
    ['a newer format version', (file) => ({ ...file, formatVersion: 2 }), /has formatVersion 2, but this version of tiers reads only 1/],
    ['a missing field', ({ labels: _labels, ...rest }) => rest, /is invalid: labels Required/],
    ['an unknown field', (file) => ({ ...file, extra: 1 }), /is invalid: .*Unrecognized key/],
    ['edited weights', (file) => ({ ...file, weights: { ...(file.weights as object), bias: [1, 0, 0, 0, 0, 0] } }), /is corrupt: its weights do not match modelVersion/],
    ['an array', () => [], /must contain a JSON object/],
    ['a missing feature setting', (file) => ({ ...file, features: { ...(file.features as object), maxChars: undefined } }), /is invalid: features.maxChars Required/],
  ];

  for (const [name, change, message] of cases) {
    it(`names the file for ${name}`, () => {
      const path = tempPath('bad.json');
      writeFileSync(path, JSON.stringify(change(encodedJson())));

      expect(() => loadModelFile(path)).toThrow(ConfigError);
      expect(() => loadModelFile(path)).toThrow(path);
      expect(() => loadModelFile(path)).toThrow(message);
    });
  }

  it('reports a missing file with the command that makes one', () => {
    const path = tempPath('missing.json');

    expect(() => loadModelFile(path)).toThrow(`classifier model file ${path} does not exist: train one with \`tiers train-scorer --out ${path}\``);
  });

  it('reports a file that is not JSON', () => {
    const path = tempPath('broken.json');
    writeFileSync(path, '{"format": "tiers-quality-classifier",');

    expect(() => loadModelFile(path)).toThrow(new RegExp(`classifier model file ${path} is not valid JSON`));
  });

  it('reports truncated weights', () => {
    const file = encodedJson() as unknown as ModelFile;
    const values = Buffer.from(file.weights.values, 'base64');
    file.weights.values = values.subarray(0, values.length - 4).toString('base64');

    // The version check comes first, so a truncated file is reported as corrupt.
    expect(() => decodeModelFile(file, 'model.json')).toThrow(/model.json is corrupt/);
  });

  it('keeps the saved file readable as JSON', async () => {
    const path = tempPath('model.json');
    await saveModelFile(path, encodeModelFile(trainedModel(), parts()));

    const json = JSON.parse(readFileSync(path, 'utf8')) as ModelFile;
    expect(json.format).toBe('tiers-quality-classifier');
    expect(json.formatVersion).toBe(1);
  });
});

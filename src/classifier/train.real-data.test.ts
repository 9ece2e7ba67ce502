import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { agreement } from './evaluate.js';
import { FeatureExtractor, featureConfigSchema } from './features.js';
import { splitHoldout } from './sample.js';
import { trainModel, trainingConfigSchema } from './train.js';

const dataDir = resolve(packageRoot(), '../shared/data');
const majorityPath = resolve(dataDir, 'labelled/quality/majority_data.jsonl');
const hasData = existsSync(majorityPath);
if (!hasData) console.warn(`Skipping real-data classifier tests: ${majorityPath} does not exist.`);

describe.runIf(hasData)('trainModel on human quality labels', () => {
  it('beats the majority class on held-out web pages', () => {
    // DCLM's human judgements of Common Crawl extracts: label 1 (judged high quality) becomes
    // score 4 and label 0 score 1, so the keep/drop threshold 3 falls between them.
    const documents = readFileSync(majorityPath, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { text: string; label: number })
      .map((row) => ({ text: row.text, score: row.label === 1 ? 4 : 1 }));
    const { train, holdout } = splitHoldout(documents, 0.2, 1);
    const features = featureConfigSchema.parse({});
    const extractor = new FeatureExtractor(features);

    const model = trainModel(
      train.map((doc) => ({ features: extractor.extract(doc.text, 'web'), label: doc.score })),
      features.buckets,
      trainingConfigSchema.parse({}),
    );
    const metrics = agreement(
      holdout.map((doc) => doc.score),
      holdout.map((doc) => model.predict(extractor.extract(doc.text, 'web'))),
      3,
    );

    expect(documents).toHaveLength(499);
    expect(metrics.majorityClassAccuracy).toBeLessThan(0.6);
    // Measured 0.76-0.80 over split seeds 1-3; 0.7 leaves room without accepting a coin flip.
    expect(metrics.keepDropAgreement).toBeGreaterThan(0.7);
    expect(metrics.pearson).toBeGreaterThan(0.4);
  });
});

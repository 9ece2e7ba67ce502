import { resolve } from 'node:path';
import { z } from 'zod';
import { loadModelFile, type LoadedModel } from '../classifier/model-file.js';
import { QualityScorer } from '../classifier/scorer.js';
import { configErrorFromZod } from '../core/config-errors.js';
import type { Operator, Outcome } from '../core/operator.js';
import type { TierRecord } from '../core/record.js';

export const CLASSIFIER_SCORER_NAME = 'classifier-scorer';
export const CLASSIFIER_SCORER_VERSION = '1.0.0';
export const CLASSIFIER_SCORER_RULES = ['classifier_score_below_threshold'] as const;

/** Decimal places kept of the expected score, so the signal, the reason and the decision agree. */
const SCORE_DECIMALS = 3;

export const classifierScorerConfigSchema = z
  .object({
    /** Model file written by `tiers train-scorer`. A relative path is resolved against the working directory. */
    modelPath: z.string({ required_error: 'is required: the model file from `tiers train-scorer`' }).min(1, 'must not be empty'),
    /** Records whose predicted score (0-5) is at least this are promoted. */
    threshold: z.number({ invalid_type_error: 'must be a number from 0 to 5' }).min(0, 'must be at least 0').max(5, 'must be at most 5').default(3),
  })
  .strict();

export type ClassifierScorerConfig = z.infer<typeof classifierScorerConfigSchema>;

/** Validates classifier-scorer options and fills in defaults; throws ConfigError naming the option. */
export function parseClassifierScorerConfig(input: unknown): ClassifierScorerConfig {
  const result = classifierScorerConfigSchema.safeParse(input ?? {});
  if (!result.success) throw configErrorFromZod(CLASSIFIER_SCORER_NAME, result.error, input);
  return result.data;
}

/**
 * L1 → L2 at stream speed: a linear model over hashed n-grams, trained by `tiers train-scorer`
 * to predict the LLM scorer's 0-5 score, rates each record. The expected score goes into
 * `signals.classifier_score`, and records at or above the threshold are promoted. The model
 * file is read once, when the operator is created.
 */
export function createClassifierScorer(config: unknown): Operator {
  const options = parseClassifierScorerConfig(config);
  const loaded = loadModelFile(resolve(options.modelPath));
  const scorer = new QualityScorer(loaded.model, loaded.features);
  const labelsPrompt = loaded.file.labels.promptVersions.join(',') || 'unknown';
  return {
    name: CLASSIFIER_SCORER_NAME,
    version: CLASSIFIER_SCORER_VERSION,
    rules: CLASSIFIER_SCORER_RULES,
    process: (record) => score(scorer, loaded, labelsPrompt, options.threshold, record),
  };
}

function score(scorer: QualityScorer, loaded: LoadedModel, labelsPrompt: string, threshold: number, record: TierRecord): Outcome[] {
  const prediction = scorer.score(record.text, record.domain);
  const value = roundScore(prediction.expected);
  record.signals.classifier_score = value;
  const details = {
    modelVersion: loaded.file.modelVersion,
    labelsPrompt,
    score: String(value),
    threshold: String(threshold),
  };
  if (value >= threshold) return [{ kind: 'promote', record, details }];
  return [
    {
      kind: 'reject',
      record,
      rule: 'classifier_score_below_threshold',
      reason: `classifier score ${value} is below the threshold ${threshold} (model ${loaded.file.modelVersion}, trained on ${labelsPrompt} labels)`,
      value,
      details,
    },
  ];
}

function roundScore(expected: number): number {
  const factor = 10 ** SCORE_DECIMALS;
  return Math.round(expected * factor) / factor;
}

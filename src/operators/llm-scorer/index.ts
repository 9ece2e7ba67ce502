import { z } from 'zod';
import { configErrorFromZod } from '../../core/config-errors.js';
import { promote, type Operator, type Outcome } from '../../core/operator.js';
import { knownLang, type TierRecord } from '../../core/record.js';
import type { LlmClient } from '../../llm/client.js';
import type { OperatorEnv } from '../index.js';
import { askJson, cjkShare, clip, requireLlm } from '../shared/llm-operator.js';
import { RUBRICS, SCORE_JSON_SCHEMA, scoringMessages, type Rubric } from './rubrics.js';

export const LLM_SCORER_NAME = 'llm-scorer';
export const LLM_SCORER_VERSION = '1.0.0';
export const LLM_SCORER_RULES = ['llm_score_below_threshold', 'llm_output_invalid', 'llm_request_refused'] as const;

export const llmScorerConfigSchema = z
  .object({
    /** Records scoring at least this (0-5) are promoted. */
    threshold: z.number().min(0).max(5).default(3),
    /** Code points of the document sent to the model; the rest is cut off and the lineage says so. */
    maxInputChars: z.number().int().min(200).max(1_000_000).default(6000),
    /** Asks per record, the first included, when the answer is not valid JSON of the right shape. */
    attempts: z.number().int().min(1).max(10).default(3),
    temperature: z.number().min(0).max(2).default(0),
    maxTokens: z.number().int().min(16).max(4096).default(160),
    /** Records of a batch scored at once; the endpoint's own concurrency bounds requests in flight. */
    concurrency: z.number().int().min(1).max(1024).default(8),
    /** Share of Han, kana or Hangul letters above which a web record without `lang` gets the Chinese rubric. */
    cjkShareForChinese: z.number().min(0).max(1).default(0.3),
  })
  .strict();

export type LlmScorerConfig = z.infer<typeof llmScorerConfigSchema>;

export function parseLlmScorerConfig(input: unknown): LlmScorerConfig {
  const result = llmScorerConfigSchema.safeParse(input ?? {});
  if (!result.success) throw configErrorFromZod(LLM_SCORER_NAME, result.error, input);
  return result.data;
}

const scoreAnswer = z.object({ score: z.number().int().min(0).max(5), reason: z.string().max(2000) }).strict();

/** Picks the rubric for a record from its domain and language. */
export function rubricFor(record: TierRecord, cjkShareForChinese: number): Rubric {
  if (record.domain === 'code') return RUBRICS.code;
  if (record.domain === 'math') return RUBRICS.math;
  const lang = knownLang(record)?.toLowerCase();
  if (lang?.startsWith('zh')) return RUBRICS['web-zh'];
  if (lang === undefined) return cjkShare(record.text) >= cjkShareForChinese ? RUBRICS['web-zh'] : RUBRICS['web-en'];
  return RUBRICS['web-en'];
}

/**
 * L1 → L2: a model rates each document 0-5 with a short reason under a versioned rubric per
 * kind of document, and records at or above the threshold are promoted. The score goes into
 * `signals.llm_score`; the reason, model and rubric version go into the lineage entry.
 */
export function createLlmScorer(config: unknown, env: OperatorEnv): Operator {
  const options = parseLlmScorerConfig(config);
  const llm = requireLlm(LLM_SCORER_NAME, env.llm);
  return {
    name: LLM_SCORER_NAME,
    version: LLM_SCORER_VERSION,
    rules: LLM_SCORER_RULES,
    concurrency: options.concurrency,
    process: (record) => score(llm, options, record),
  };
}

async function score(llm: LlmClient, options: LlmScorerConfig, record: TierRecord): Promise<Outcome[]> {
  const rubric = rubricFor(record, options.cjkShareForChinese);
  const document = clip(record.text, options.maxInputChars);
  const answer = await askJson(llm, {
    operator: LLM_SCORER_NAME,
    promptVersion: rubric.version,
    messages: scoringMessages(rubric, document.text),
    schemaName: 'quality_score',
    jsonSchema: SCORE_JSON_SCHEMA,
    validator: scoreAnswer,
    temperature: options.temperature,
    maxTokens: options.maxTokens,
    attempts: options.attempts,
    recordId: record.id,
  });
  if (!answer.ok) {
    return [{ kind: 'reject', record, rule: answer.rule, reason: answer.reason, details: { prompt: rubric.version, model: llm.settings.model } }];
  }
  const { score: value, reason } = answer.value;
  record.signals.llm_score = value;
  const details = {
    model: answer.model,
    prompt: rubric.version,
    score: String(value),
    reason,
    threshold: String(options.threshold),
    ...(document.clipped ? { inputClippedAtChars: String(options.maxInputChars) } : {}),
  };
  if (value >= options.threshold) return [{ ...promote(record)[0]!, details }];
  return [
    {
      kind: 'reject',
      record,
      rule: 'llm_score_below_threshold',
      reason: `LLM score ${value} is below the threshold ${options.threshold} (${rubric.version}): ${reason}`,
      value,
      details,
    },
  ];
}

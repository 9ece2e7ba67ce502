import type { Operator, Outcome } from '../../core/operator.js';
import type { TierRecord } from '../../core/record.js';
import type { LlmClient } from '../../llm/client.js';
import { preview } from '../../llm/json-output.js';
import type { OperatorEnv } from '../index.js';
import { askJson, requireLlm } from '../shared/llm-operator.js';
import { compareAnswers, type AnswerComparison } from './answers.js';
import { parseVerifierConfig, VERIFIER_NAME, type VerifierConfig } from './config.js';
import { buildBenchmarkIndex, findContamination, type BenchmarkIndex } from './decontaminate.js';
import { readCheckableItem, type CheckableItem } from './item.js';
import { DERIVED_ANSWER_SCHEMA, derivedAnswer, VERIFY_PROMPT_VERSION, verifyMessages } from './prompts.js';
import { checkSupport } from './support.js';

export { parseVerifierConfig, VERIFIER_NAME, type VerifierConfig } from './config.js';

export const VERIFIER_VERSION = '1.0.0';
export const VERIFIER_RULES = [
  'verifier_not_checkable',
  'verifier_contaminated',
  'verifier_unsupported',
  'verifier_answer_mismatch',
  'llm_output_invalid',
  'llm_request_refused',
] as const;

const NOT_CHECKABLE_REASON =
  'the verifier promotes only synthesized question-answer items (meta.synthesis of task qa or textbook with a question and an answer) to L4; this record stays in L3';

interface Verifier {
  llm: LlmClient;
  options: VerifierConfig;
  benchmarks: BenchmarkIndex | null;
}

/**
 * L3 → L4: checks synthesized question-answer items and promotes those that pass every
 * check, with `signals.verified` = 1. The checks run cheapest first: n-gram overlap with
 * benchmarks, evidence found in the source passage, then an answer derived independently
 * by the model, which must agree with the proposed one. Any failure rejects the item, so
 * an item whose check could not run (invalid model output) never reaches L4.
 */
export function createVerifier(config: unknown, env: OperatorEnv): Operator {
  const options = parseVerifierConfig(config);
  const llm = requireLlm(VERIFIER_NAME, env.llm);
  const benchmarks =
    options.benchmarks.length === 0
      ? null
      : buildBenchmarkIndex(options.benchmarks, { ngram: options.ngram, cjkNgram: options.cjkNgram }, options.benchmarkFields);
  const verifier: Verifier = { llm, options, benchmarks };
  return {
    name: VERIFIER_NAME,
    version: VERIFIER_VERSION,
    rules: VERIFIER_RULES,
    concurrency: options.concurrency,
    process: (record) => verify(verifier, record),
  };
}

async function verify(verifier: Verifier, record: TierRecord): Promise<Outcome[]> {
  const item = readCheckableItem(record);
  if (item === null) return [rejection(record, 'verifier_not_checkable', NOT_CHECKABLE_REASON)];

  const contamination = checkContamination(verifier, item);
  if (contamination !== null) return [rejection(record, 'verifier_contaminated', contamination.reason, contamination.value)];

  const support = checkSupport(item, verifier.options);
  if (!support.supported) return [rejection(record, 'verifier_unsupported', support.reason, support.value)];

  return deriveAndCompare(verifier, record, item, support.passage);
}

function checkContamination(verifier: Verifier, item: CheckableItem): { reason: string; value: number } | null {
  if (verifier.benchmarks === null) return null;
  const text = [item.question, item.answer, item.solution ?? ''].join('\n');
  const found = findContamination(verifier.benchmarks, text, verifier.options.minSharedNgrams);
  if (found === null) return null;
  const { ngram, cjkNgram } = verifier.options;
  return {
    reason: `the question and answer share ${found.shared} n-gram(s) of ${ngram} words or ${cjkNgram} Han characters with benchmark ${found.file}, for example "${found.example}"`,
    value: found.shared,
  };
}

async function deriveAndCompare(verifier: Verifier, record: TierRecord, item: CheckableItem, passage: string): Promise<Outcome[]> {
  const { llm, options } = verifier;
  const answer = await askJson(llm, {
    operator: VERIFIER_NAME,
    promptVersion: VERIFY_PROMPT_VERSION,
    messages: verifyMessages({ passage, question: item.question, answerType: item.answerType }),
    schemaName: 'derived_answer',
    jsonSchema: DERIVED_ANSWER_SCHEMA,
    validator: derivedAnswer,
    temperature: options.temperature,
    maxTokens: options.maxTokens,
    attempts: options.attempts,
    recordId: record.id,
  });
  if (!answer.ok) {
    const reason = `the answer could not be re-derived, so the item is not verified: ${answer.reason}`;
    return [{ ...rejection(record, answer.rule, reason), details: { prompt: VERIFY_PROMPT_VERSION, model: llm.settings.model } }];
  }
  const derived = answer.value.answer.trim();
  const comparison = compareAnswers(item.answer, derived, item.answerType, options);
  const details = {
    model: answer.model,
    prompt: VERIFY_PROMPT_VERSION,
    derivedAnswer: derived,
    comparison: comparison.comparison,
    score: String(Number(comparison.score.toFixed(4))),
  };
  if (!comparison.agree) {
    const reason = mismatchReason(item.answer, derived, comparison, options);
    return [{ ...rejection(record, 'verifier_answer_mismatch', reason, comparison.score), details }];
  }
  record.signals.verified = 1;
  return [{ kind: 'promote', record, details }];
}

function mismatchReason(proposed: string, derived: string, comparison: AnswerComparison, options: VerifierConfig): string {
  const answers = `the proposed answer "${preview(proposed, 80)}" (read as ${comparison.proposedShown}) and the answer the model derived without seeing it, "${preview(derived, 80)}" (read as ${comparison.derivedShown || 'nothing'}), disagree`;
  if (comparison.comparison === 'numeric') return `${answers}: numbers compared with relative tolerance ${options.relativeTolerance}`;
  return `${answers}: token F1 ${comparison.score.toFixed(2)} is below ${options.minTextF1}`;
}

function rejection(record: TierRecord, rule: string, reason: string, value: number | string | null = null): Extract<Outcome, { kind: 'reject' }> {
  return { kind: 'reject', record, rule, reason, value };
}

import { basename } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, errorMessage } from '../core/errors.js';
import type { TierRecord } from '../core/record.js';
import { readFileBytes } from '../io/byte-source.js';
import { detectFormat } from '../io/formats.js';
import { splitLines } from '../io/line-splitter.js';
import type { LlmClient } from '../llm/client.js';
import { createLlmScorer, LLM_SCORER_NAME } from '../operators/llm-scorer/index.js';
import { mapWithLimit } from '../runtime/map-with-limit.js';
import { SCORE_CLASSES } from './model.js';

/** A document with the 0-5 score an LLM gave it under one of the llm-scorer's rubrics. */
export interface LabelledDocument {
  id: string;
  domain: string;
  text: string;
  /** Integer score 0-5. */
  score: number;
  /** Rubric version such as score-web-en/1, or null when the source does not record it. */
  promptVersion: string | null;
  /** Name of the LLM that gave the score, or null when the source does not record it. */
  llmModel: string | null;
}

/** Lines of a labels file that gave no training document. */
export interface LabelFileCounts {
  lines: number;
  /** Lines that are not a JSON object with a text, such as broken JSON. */
  invalidLines: number;
  /** Records without a numeric `signals.llm_score`, such as records rejected before the LLM scorer. */
  withoutScore: number;
}

/** Maximum line length in bytes of a labels file. Longer lines are counted as invalid. */
const MAX_LABEL_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Reads records that already carry `signals.llm_score` from JSON lines (plain, .gz or .zst):
 * tier records such as `tiers run`'s l2.jsonl, or rejected records such as its rejected.jsonl,
 * whose `record` field contains the record. `counts` is complete once the generator has finished.
 */
export async function* readLabelFile(path: string, counts: LabelFileCounts, log: Logger): AsyncGenerator<LabelledDocument> {
  const detected = detectFormat(basename(path));
  if (detected?.format !== 'jsonl') {
    throw new ConfigError(`labels file ${path} must be JSON lines (.jsonl, optionally .gz or .zst)`);
  }
  try {
    for await (const line of splitLines(readFileBytes(path, detected.compression), MAX_LABEL_LINE_BYTES, 0)) {
      if (line.bytes.length === 0 && !line.overLimit) continue;
      counts.lines++;
      const parsed = parseLabelLine(line.bytes, line.overLimit);
      if (typeof parsed === 'string') {
        counts.invalidLines++;
        log.warn({ path, line: line.number, problem: parsed }, 'skipping a line of the labels file');
        continue;
      }
      if (parsed === null) {
        counts.withoutScore++;
        continue;
      }
      yield { ...parsed, id: parsed.id || `${basename(path)}:${line.number}` };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ConfigError(`labels file ${path} does not exist`);
    throw new Error(`failed to read labels file ${path}: ${errorMessage(err)}`, { cause: err });
  }
}

/**
 * Parses one line into a labelled document. Returns null for a record without a score, or a
 * message that explains why the line is unusable.
 */
export function parseLabelLine(bytes: Buffer, overLimit = false): LabelledDocument | null | string {
  if (overLimit) return `longer than ${MAX_LABEL_LINE_BYTES} bytes`;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return `not valid JSON: ${errorMessage(err)}`;
  }
  if (!isObject(value)) return 'not a JSON object';
  // A rejected record wraps the record with the operator's rule and reason.
  const record = isObject(value.record) && typeof value.rule === 'string' ? value.record : value;
  if (typeof record.text !== 'string') return 'has no string "text" field';
  const score = isObject(record.signals) ? record.signals.llm_score : undefined;
  if (typeof score !== 'number' || !Number.isInteger(score) || score < 0 || score >= SCORE_CLASSES) return null;
  const scorerStep = lastScorerDetails(record.lineage);
  return {
    id: typeof record.id === 'string' ? record.id : '',
    domain: typeof record.domain === 'string' ? record.domain : 'web',
    text: record.text,
    score,
    promptVersion: scorerStep?.prompt ?? null,
    llmModel: scorerStep?.model ?? null,
  };
}

/** Details of the last llm-scorer lineage entry, which hold the rubric version and model name. */
function lastScorerDetails(lineage: unknown): { prompt?: string; model?: string } | undefined {
  if (!Array.isArray(lineage)) return undefined;
  for (let i = lineage.length - 1; i >= 0; i--) {
    const entry: unknown = lineage[i];
    if (isObject(entry) && entry.operator === LLM_SCORER_NAME && isObject(entry.details)) {
      const { prompt, model } = entry.details;
      return { ...(typeof prompt === 'string' ? { prompt } : {}), ...(typeof model === 'string' ? { model } : {}) };
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export interface LlmLabellingOptions {
  /** Code points of each document sent to the model (llm-scorer's maxInputChars). */
  maxInputChars: number;
  maxTokens: number;
  /** Requests per document, the first included, when the response is not valid JSON of the expected shape. */
  attempts: number;
  /** Documents labelled at once. */
  concurrency: number;
}

export interface LlmLabelling {
  documents: LabelledDocument[];
  /** Documents the model gave no valid score for, with the llm-scorer's rule and reason. */
  failures: Array<{ id: string; rule: string; reason: string }>;
  /** Wall-clock seconds of the whole labelling step. */
  seconds: number;
  /** Responses served from the response cache, which make the throughput look higher than the model's. */
  cachedAnswers: number;
}

/**
 * Labels records with the llm-scorer itself, so the labels follow the same rubrics, prompts,
 * clipping and answer checks as scoring in a topology. An unreachable endpoint throws.
 */
export async function labelWithLlm(records: readonly TierRecord[], llm: LlmClient, options: LlmLabellingOptions, log: Logger): Promise<LlmLabelling> {
  const scorer = createLlmScorer(
    { maxInputChars: options.maxInputChars, maxTokens: options.maxTokens, attempts: options.attempts, concurrency: options.concurrency },
    { llm },
  );
  const usage = llm.usage.entry(LLM_SCORER_NAME);
  const cacheHitsBefore = usage.cacheHits;
  const started = process.hrtime.bigint();
  let finished = 0;

  // mapWithLimit returns results in input order, so the training input does not depend on
  // which response the server sent first.
  const results = await mapWithLimit(records, options.concurrency, async (record) => {
    const outcomes = await scorer.process(record, { log });
    finished++;
    if (finished % 25 === 0 || finished === records.length) log.info({ finished, total: records.length }, 'labelling documents with the LLM');
    return { record, outcome: outcomes[0] };
  });

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const documents: LabelledDocument[] = [];
  const failures: LlmLabelling['failures'] = [];
  for (const { record, outcome } of results) {
    const score = record.signals.llm_score;
    if (score === undefined) {
      const rejected = outcome?.kind === 'reject' ? outcome : undefined;
      failures.push({ id: record.id, rule: rejected?.rule ?? 'llm_output_invalid', reason: rejected?.reason ?? 'the LLM scorer returned no outcome' });
      continue;
    }
    const details = outcome?.details ?? {};
    documents.push({ id: record.id, domain: record.domain, text: record.text, score, promptVersion: details.prompt ?? null, llmModel: details.model ?? null });
  }
  return { documents, failures, seconds, cachedAnswers: usage.cacheHits - cacheHitsBefore };
}

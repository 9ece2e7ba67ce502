import type { Operator, OperatorContext, Outcome } from '../../core/operator.js';
import type { TierRecord } from '../../core/record.js';
import type { LlmClient } from '../../llm/client.js';
import type { OperatorEnv } from '../index.js';
import { clip, requireLlm } from '../shared/llm-operator.js';
import { LLM_SYNTHESIZER_NAME, parseLlmSynthesizerConfig, type LlmSynthesizerConfig } from './config.js';
import { derivedRecord, languageName } from './records.js';
import { runQa, runRewrite, runTextbook, type Draft, type TaskResult, type TaskRun } from './tasks.js';

export {
  LEVELS,
  LLM_SYNTHESIZER_NAME,
  parseLlmSynthesizerConfig,
  REWRITE_STYLES,
  SYNTHESIS_TASKS,
  type LlmSynthesizerConfig,
} from './config.js';

export const LLM_SYNTHESIZER_VERSION = '1.0.0';
export const LLM_SYNTHESIZER_RULES = [
  'llm_output_invalid',
  'llm_request_refused',
  'synthesis_empty',
  'synthesis_source_not_promoted',
] as const;

/**
 * L2 → L3: asks a model to synthesize new records from each document (question-answer
 * pairs, rewrites in several styles, a textbook section with an exercise) and emits each
 * as a new record with a deterministic id. The document itself is promoted too unless
 * `promoteSource` is false. A request that fails never loses the document: with
 * `promoteSource` it still goes on, with the failures in its lineage entry; without it, it
 * is rejected with the failure's rule.
 */
export function createLlmSynthesizer(config: unknown, env: OperatorEnv): Operator {
  const options = parseLlmSynthesizerConfig(config);
  const llm = requireLlm(LLM_SYNTHESIZER_NAME, env.llm);
  return {
    name: LLM_SYNTHESIZER_NAME,
    version: LLM_SYNTHESIZER_VERSION,
    rules: LLM_SYNTHESIZER_RULES,
    concurrency: options.concurrency,
    process: (record, ctx) => synthesize(llm, options, record, ctx),
  };
}

async function synthesize(llm: LlmClient, options: LlmSynthesizerConfig, record: TierRecord, ctx: OperatorContext): Promise<Outcome[]> {
  const document = clip(record.text, options.maxInputChars);
  const run: TaskRun = {
    llm,
    options,
    record,
    prompt: { document: document.text, level: options.level, language: languageName(record, options.cjkShareForChinese) },
    baseDetails: document.clipped ? { inputClippedAtChars: String(options.maxInputChars) } : {},
  };
  const results = await Promise.all(requests(run));
  const drafts = results.flatMap((result) => ('drafts' in result ? result.drafts : []));
  const failures = results.flatMap((result) => ('failure' in result ? [{ label: result.label, ...result.failure }] : []));
  for (const failure of failures) {
    ctx.log.warn({ operator: LLM_SYNTHESIZER_NAME, recordId: record.id, request: failure.label, rule: failure.rule, reason: failure.reason }, 'synthesis request produced no record');
  }
  const emits = drafts.map((draft) => emitOutcome(record, draft));
  return [sourceOutcome(record, options, drafts.length, failures), ...emits];
}

/** Starts one model request per task, and one per style for `rewrite`, in config order. */
function requests(run: TaskRun): Array<Promise<TaskResult>> {
  return run.options.tasks.flatMap((task) => {
    if (task === 'qa') return [runQa(run)];
    if (task === 'textbook') return [runTextbook(run)];
    return run.options.styles.map((style) => runRewrite(run, style));
  });
}

function emitOutcome(parent: TierRecord, draft: Draft): Outcome {
  return { kind: 'emit', record: derivedRecord(parent, draft.id, draft.text, draft.synthesis), details: draft.details };
}

type Failure = Extract<TaskResult, { failure: unknown }>['failure'] & { label: string };

/**
 * Decides on the input document. While the document is promoted, failed requests are not
 * counted as rejections, because the runtime counts one decision per input. They are listed
 * in the promote entry's details and logged instead.
 */
function sourceOutcome(record: TierRecord, options: LlmSynthesizerConfig, synthesized: number, failures: Failure[]): Outcome {
  const details: Record<string, string> = { synthesized: String(synthesized), tasks: options.tasks.join(',') };
  if (failures.length > 0) {
    details.failures = failures.map((failure) => `${failure.label}: ${failure.rule}: ${failure.reason}`).join(' | ');
  }
  if (options.promoteSource) return { kind: 'promote', record, details };
  if (synthesized > 0) {
    return {
      kind: 'reject',
      record,
      rule: 'synthesis_source_not_promoted',
      reason: `promoteSource is false, so the source document does not go on to L3; ${synthesized} record(s) were synthesized from it`,
      value: synthesized,
      details,
    };
  }
  const first = failures[0]!;
  return {
    kind: 'reject',
    record,
    rule: first.rule,
    reason: `no record was synthesized from this document: ${failures.map((failure) => `${failure.label}: ${failure.reason}`).join('; ')}`,
    value: 0,
    details,
  };
}

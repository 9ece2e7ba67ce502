import { createHash } from 'node:crypto';
import { z } from 'zod';
import { configErrorFromZod } from '../../core/config-errors.js';
import type { Operator, Outcome } from '../../core/operator.js';
import type { TierRecord } from '../../core/record.js';
import type { LlmClient } from '../../llm/client.js';
import type { OperatorEnv } from '../index.js';
import { askJson, requireLlm } from '../shared/llm-operator.js';
import { applyPlan, checkEdits, type EditLimits, type EditPlan } from './edits.js';
import { measureEdits, type EditMeasures } from './measures.js';
import { documentView, EDIT_PROMPT_VERSION, editJsonSchema, editMessages, type DocumentView } from './prompts.js';

export const LLM_EDITOR_NAME = 'llm-editor';
export const LLM_EDITOR_VERSION = '1.0.0';
export const LLM_EDITOR_RULES = [
  'llm_edit_invalid',
  'llm_edit_removes_content',
  'llm_edit_adds_content',
  'llm_output_invalid',
  'llm_request_refused',
] as const;

export const llmEditorConfigSchema = z
  .object({
    /** Code points of the document shown to the model. Edits may name only shown lines, and the rest stays as it is. */
    maxInputChars: z.number().int().min(200).max(1_000_000).default(4000),
    /** Lines of the document shown to the model. */
    maxInputLines: z.number().int().min(1).max(100_000).default(200),
    /** Edits one answer may list. A longer list makes the answer invalid. */
    maxEditsPerDocument: z.number().int().min(1).max(1000).default(40),
    /** Code points in one replace's `with` or one add's `text`. */
    maxAddedChars: z.number().int().min(1).max(100_000).default(400),
    /** Largest share (0-1) of the shown text's non-whitespace characters an edit list may delete. */
    maxRemovedShare: z.number().min(0).max(1).default(0.5),
    /** Largest share (0-1) of added word tokens (CJK: characters) that may be missing from the original text. */
    maxAddedUnsupportedShare: z.number().min(0).max(1).default(0.2),
    /** Asks per record, the first included, while the answer is not valid JSON or not a valid edit list. */
    attempts: z.number().int().min(1).max(10).default(3),
    temperature: z.number().min(0).max(2).default(0),
    /** Completion tokens per answer. An edit takes roughly 15-40 tokens (estimate, Gemma 3 tokenizer). */
    maxTokens: z.number().int().min(16).max(16_384).default(1024),
    /** Records of a batch edited at once. The endpoint's own concurrency bounds requests in flight. */
    concurrency: z.number().int().min(1).max(1024).default(8),
  })
  .strict();

export type LlmEditorConfig = z.infer<typeof llmEditorConfigSchema>;

export function parseLlmEditorConfig(input: unknown): LlmEditorConfig {
  const result = llmEditorConfigSchema.safeParse(input ?? {});
  if (!result.success) throw configErrorFromZod(LLM_EDITOR_NAME, result.error, input);
  return result.data;
}

/**
 * L2 → L3: the model lists edit operations on numbered lines (remove, replace, add), and
 * the operator checks and applies them itself, so the lineage entry contains an exact, re-playable
 * record of every change. The record keeps its id. Edit lists that delete too much of the
 * text or bring in words the original does not contain are rejected.
 */
export function createLlmEditor(config: unknown, env: OperatorEnv): Operator {
  const options = parseLlmEditorConfig(config);
  const llm = requireLlm(LLM_EDITOR_NAME, env.llm);
  return {
    name: LLM_EDITOR_NAME,
    version: LLM_EDITOR_VERSION,
    rules: LLM_EDITOR_RULES,
    concurrency: options.concurrency,
    process: (record) => edit(llm, options, record),
  };
}

async function edit(llm: LlmClient, options: LlmEditorConfig, record: TierRecord): Promise<Outcome[]> {
  const view = documentView(record.text, options.maxInputLines, options.maxInputChars);
  const limits: EditLimits = {
    editableLines: view.editableLines,
    partialLine: view.partialLine,
    maxEdits: options.maxEditsPerDocument,
    maxAddedChars: options.maxAddedChars,
  };
  const validator = editAnswerValidator(view, limits);
  const answer = await askJson(llm, {
    operator: LLM_EDITOR_NAME,
    promptVersion: EDIT_PROMPT_VERSION,
    messages: editMessages(view),
    schemaName: 'edit_list',
    jsonSchema: editJsonSchema(),
    validator: validator.schema,
    temperature: options.temperature,
    maxTokens: options.maxTokens,
    attempts: options.attempts,
    recordId: record.id,
  });
  const baseDetails = { model: llm.settings.model, prompt: EDIT_PROMPT_VERSION, ...clippingDetails(view, options) };
  if (!answer.ok) {
    // askJson ends its reason with the last answer's error. A match means the last answer was
    // a well-formed list whose edits do not fit the document.
    const editProblem = validator.lastProblem();
    if (answer.rule === 'llm_output_invalid' && editProblem !== undefined && answer.reason.endsWith(editProblem)) {
      const reason = `${LLM_EDITOR_NAME} got no valid edit list in ${options.attempts} tries: ${editProblem}`;
      return [{ kind: 'reject', record, rule: 'llm_edit_invalid', reason, details: baseDetails }];
    }
    return [{ kind: 'reject', record, rule: answer.rule, reason: answer.reason, details: baseDetails }];
  }

  const plan = planOf(answer.value, view, limits);
  const measures = measureEdits(view.lines, view.editableLines, plan, record.text);
  record.signals.edit_ops = plan.edits.length;
  record.signals.edit_removed_share = round(measures.removedShare);
  record.signals.edit_added_unsupported_share = round(measures.addedUnsupportedShare);
  const details = {
    ...baseDetails,
    model: answer.model,
    edits: JSON.stringify(plan.edits),
    editCount: String(plan.edits.length),
    originalSha256: createHash('sha256').update(record.text, 'utf8').digest('hex'),
  };
  const guard = checkGuards(measures, options);
  if (guard) return [{ kind: 'reject', record, ...guard, details }];

  record.text = applyPlan(view.lines, plan);
  return [{ kind: 'promote', record, details, edited: plan.edits.length > 0 }];
}

/**
 * Wraps the edit check in a zod schema for askJson, so an edit list that does not fit the
 * document is asked for again like malformed JSON. `lastProblem` is the edit problem of the
 * last answer that had the right shape, for telling the two failures apart afterwards.
 */
function editAnswerValidator(view: DocumentView, limits: EditLimits): { schema: z.ZodType<unknown>; lastProblem: () => string | undefined } {
  let lastProblem: string | undefined;
  const schema = z.unknown().superRefine((raw, ctx) => {
    const shape = editAnswerShape.safeParse(raw);
    if (!shape.success) {
      lastProblem = undefined;
      for (const issue of shape.error.issues) ctx.addIssue({ code: z.ZodIssueCode.custom, path: issue.path, message: issue.message });
      return;
    }
    const checked = checkEdits(shape.data.edits, view.lines, limits);
    lastProblem = checked.ok ? undefined : checked.problem;
    if (!checked.ok) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['edits'], message: checked.problem });
    }
  });
  return { schema, lastProblem: () => lastProblem };
}

const editAnswerShape = z.object({ edits: z.array(z.unknown()) }).strict();

/** Rebuilds the plan of an answer the validator accepted. The check is pure, so it passes again here. */
function planOf(value: unknown, view: DocumentView, limits: EditLimits): EditPlan {
  const checked = checkEdits(editAnswerShape.parse(value).edits, view.lines, limits);
  if (!checked.ok) throw new Error(`${LLM_EDITOR_NAME}: an accepted edit list failed its second check: ${checked.problem}`);
  return checked.plan;
}

type GuardRejection = { rule: (typeof LLM_EDITOR_RULES)[number]; reason: string; value: number };

function checkGuards(measures: EditMeasures, options: LlmEditorConfig): GuardRejection | undefined {
  if (measures.removedShare > options.maxRemovedShare) {
    return {
      rule: 'llm_edit_removes_content',
      reason: `the edits delete ${percent(measures.removedShare)} of the shown text (${measures.removedChars} of ${measures.shownChars} non-space characters), more than maxRemovedShare ${options.maxRemovedShare}`,
      value: round(measures.removedShare),
    };
  }
  if (measures.addedUnsupportedShare > options.maxAddedUnsupportedShare) {
    return {
      rule: 'llm_edit_adds_content',
      reason: `${measures.unsupportedTokens} of the ${measures.addedTokens} words the edits add (${percent(measures.addedUnsupportedShare)}) occur nowhere in the original, more than maxAddedUnsupportedShare ${options.maxAddedUnsupportedShare}`,
      value: round(measures.addedUnsupportedShare),
    };
  }
  return undefined;
}

function clippingDetails(view: DocumentView, options: LlmEditorConfig): Record<string, string> {
  if (view.editableLines === view.lines.length && view.partialLine === null) return {};
  const details: Record<string, string> = { inputLinesShown: `${view.editableLines} of ${view.lines.length}` };
  if (view.clippedByChars) details.inputClippedAtChars = String(options.maxInputChars);
  if (view.clippedByLines) details.inputClippedAtLines = String(options.maxInputLines);
  if (view.partialLine !== null) details.partialLine = String(view.partialLine);
  return details;
}

function round(share: number): number {
  return Math.round(share * 10_000) / 10_000;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

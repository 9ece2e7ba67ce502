import type { z } from 'zod';
import type { ChatMessage, LlmClient } from '../../llm/client.js';
import type { TierRecord } from '../../core/record.js';
import { askJson } from '../shared/llm-operator.js';
import { findQuote, foldForMatch, windowAround } from '../verifier/evidence.js';
import { findNumbers } from '../verifier/numbers.js';
import { LLM_SYNTHESIZER_NAME, type LlmSynthesizerConfig, type RewriteStyle, type SynthesisTask } from './config.js';
import { requestSeed, synthesizedId } from './ids.js';
import {
  PROMPT_VERSIONS,
  qaAnswer,
  qaJsonSchema,
  qaMessages,
  rewriteAnswer,
  REWRITE_JSON_SCHEMA,
  rewriteMessages,
  textbookAnswer,
  TEXTBOOK_JSON_SCHEMA,
  textbookMessages,
  type PromptContext,
  type QaAnswer,
  type TextbookAnswer,
} from './prompts.js';
import type { SynthesisMeta } from './records.js';

/** A rewrite shorter than this many code points is too short to be a useful document. */
export const MIN_REWRITE_CHARS = 40;

/** One synthesized record before it becomes an emit outcome. */
export interface Draft {
  id: string;
  text: string;
  synthesis: SynthesisMeta;
  details: Record<string, string>;
}

export type FailureRule = 'llm_output_invalid' | 'llm_request_refused' | 'synthesis_empty';

/** Result of one model request: the records it produced, or why it produced none. */
export type TaskResult =
  | { label: string; drafts: Draft[] }
  | { label: string; failure: { rule: FailureRule; reason: string } };

/** Everything a task needs about the document being synthesized from. */
export interface TaskRun {
  llm: LlmClient;
  options: LlmSynthesizerConfig;
  record: TierRecord;
  prompt: PromptContext;
  /** Lineage details shared by every record of this document (such as a clipped input). */
  baseDetails: Record<string, string>;
}

interface Request<T> {
  task: SynthesisTask;
  /** Style name for rewrites, empty otherwise: it keys the seed. */
  variant: string;
  messages: ChatMessage[];
  schemaName: string;
  jsonSchema: Record<string, unknown>;
  validator: z.ZodType<T>;
}

async function ask<T>(run: TaskRun, request: Request<T>) {
  return askJson(run.llm, {
    operator: LLM_SYNTHESIZER_NAME,
    promptVersion: PROMPT_VERSIONS[request.task],
    messages: request.messages,
    schemaName: request.schemaName,
    jsonSchema: request.jsonSchema,
    validator: request.validator,
    temperature: run.options.temperature,
    maxTokens: run.options.maxTokens,
    attempts: run.options.attempts,
    recordId: run.record.id,
    seed: requestSeed(run.options.seed, run.record.id, request.task, request.variant),
  });
}

function lineageDetails(
  run: TaskRun,
  task: SynthesisTask,
  variant: string,
  model: string,
  extra: Record<string, string>,
): Record<string, string> {
  return {
    task,
    level: run.options.level,
    model,
    temperature: String(run.options.temperature),
    prompt: PROMPT_VERSIONS[task],
    seed: String(requestSeed(run.options.seed, run.record.id, task, variant)),
    ...extra,
    ...run.baseDetails,
  };
}

function baseMeta(run: TaskRun, task: SynthesisTask, model: string, style: RewriteStyle | null): SynthesisMeta {
  return { task, style, level: run.options.level, prompt: PROMPT_VERSIONS[task], model, sourceId: run.record.id };
}

/**
 * Keeps a declared answer type only when the answer agrees with it: a "number" answer with
 * no number in it is text, and a "text" answer that is just one number is a number, so the
 * verifier compares each the right way.
 */
export function effectiveAnswerType(answer: string, declared: 'number' | 'text'): 'number' | 'text' {
  const numbers = findNumbers(answer);
  if (declared === 'number') return numbers.length > 0 ? 'number' : 'text';
  if (numbers.length !== 1) return 'text';
  const rest = answer.normalize('NFKC').replace(/\u2212/g, '-').replace(numbers[0]!.text, '');
  return /[\p{L}\p{N}]/u.test(rest) ? 'text' : 'number';
}

/** Returns the source passage around `evidence`, or the start of the document when it is not found. */
function contextFor(document: string, evidence: string, maxChars: number): string {
  const match = evidence === '' ? null : findQuote(document, evidence);
  return match === null ? windowAround(document, 0, 0, maxChars) : windowAround(document, match.start, match.end, maxChars);
}

const empty = (label: string, reason: string): TaskResult => ({ label, failure: { rule: 'synthesis_empty', reason } });

export async function runQa(run: TaskRun): Promise<TaskResult> {
  const label = 'qa';
  const answer = await ask(run, {
    task: 'qa',
    variant: '',
    messages: qaMessages(run.prompt, run.options.itemsPerDocument),
    schemaName: 'qa_items',
    jsonSchema: qaJsonSchema(run.options.itemsPerDocument),
    validator: qaAnswer,
  });
  if (!answer.ok) return { label, failure: { rule: answer.rule, reason: answer.reason } };
  const items = usableQaItems(answer.value, run.options.itemsPerDocument);
  if (items.length === 0) {
    return empty(label, `the model returned ${answer.value.items.length} question-answer item(s), none with both a question and an answer`);
  }
  const drafts = items.map((item, index): Draft => {
    const answerType = effectiveAnswerType(item.answer, item.answerType);
    const synthesis: SynthesisMeta = {
      ...baseMeta(run, 'qa', answer.model, null),
      index,
      question: item.question,
      answer: item.answer,
      answerType,
      evidence: item.evidence,
      context: contextFor(run.prompt.document, item.evidence, run.options.contextChars),
    };
    return {
      id: synthesizedId(run.record.id, 'qa', `item-${index}`, PROMPT_VERSIONS.qa),
      text: `Question: ${item.question}\nAnswer: ${item.answer}`,
      synthesis,
      details: lineageDetails(run, 'qa', '', answer.model, { item: String(index) }),
    };
  });
  return { label, drafts };
}

/** Trimmed items with a question and an answer, without repeated questions, at most `max`. */
export function usableQaItems(answer: QaAnswer, max: number): QaAnswer['items'] {
  const seen = new Set<string>();
  const usable: QaAnswer['items'] = [];
  for (const raw of answer.items) {
    const item = { ...raw, question: raw.question.trim(), answer: raw.answer.trim(), evidence: raw.evidence.trim() };
    const key = foldForMatch(item.question).text;
    if (key === '' || foldForMatch(item.answer).text === '' || seen.has(key)) continue;
    seen.add(key);
    usable.push(item);
    if (usable.length === max) break;
  }
  return usable;
}

export async function runRewrite(run: TaskRun, style: RewriteStyle): Promise<TaskResult> {
  const label = `rewrite/${style}`;
  const answer = await ask(run, {
    task: 'rewrite',
    variant: style,
    messages: rewriteMessages(run.prompt, style),
    schemaName: 'rewrite',
    jsonSchema: REWRITE_JSON_SCHEMA,
    validator: rewriteAnswer,
  });
  if (!answer.ok) return { label, failure: { rule: answer.rule, reason: answer.reason } };
  const text = answer.value.text.trim();
  const unusable = rewriteProblem(text, run.prompt.document);
  if (unusable !== null) return empty(label, unusable);
  return {
    label,
    drafts: [
      {
        id: synthesizedId(run.record.id, 'rewrite', style, PROMPT_VERSIONS.rewrite),
        text,
        synthesis: baseMeta(run, 'rewrite', answer.model, style),
        details: lineageDetails(run, 'rewrite', style, answer.model, { style }),
      },
    ],
  };
}

/** Returns why a rewrite cannot be used, or null when it can. */
export function rewriteProblem(text: string, document: string): string | null {
  const length = [...text].length;
  if (length < MIN_REWRITE_CHARS) return `the rewrite has ${length} characters, fewer than the ${MIN_REWRITE_CHARS} a document needs`;
  if (foldForMatch(text).text === foldForMatch(document).text) return 'the rewrite repeats the document unchanged';
  return null;
}

export async function runTextbook(run: TaskRun): Promise<TaskResult> {
  const label = 'textbook';
  const answer = await ask(run, {
    task: 'textbook',
    variant: '',
    messages: textbookMessages(run.prompt),
    schemaName: 'textbook_section',
    jsonSchema: TEXTBOOK_JSON_SCHEMA,
    validator: textbookAnswer,
  });
  if (!answer.ok) return { label, failure: { rule: answer.rule, reason: answer.reason } };
  const value = trimTextbook(answer.value);
  const missing = (['section', 'exercise', 'answer'] as const).filter((field) => foldForMatch(value[field]).text === '');
  if (missing.length > 0) return empty(label, `the textbook section has no ${missing.join(', ')}`);
  const synthesis: SynthesisMeta = {
    ...baseMeta(run, 'textbook', answer.model, null),
    knowledgePoint: value.knowledgePoint,
    section: value.section,
    question: value.exercise,
    solution: value.solution,
    answer: value.answer,
    answerType: effectiveAnswerType(value.answer, value.answerType),
    evidence: value.evidence,
    context: contextFor(run.prompt.document, value.evidence, run.options.contextChars),
  };
  return {
    label,
    drafts: [
      {
        id: synthesizedId(run.record.id, 'textbook', 'section', PROMPT_VERSIONS.textbook),
        text: textbookText(value),
        synthesis,
        details: lineageDetails(run, 'textbook', '', answer.model, {}),
      },
    ],
  };
}

function trimTextbook(value: TextbookAnswer): TextbookAnswer {
  return {
    knowledgePoint: value.knowledgePoint.trim(),
    section: value.section.trim(),
    exercise: value.exercise.trim(),
    solution: value.solution.trim(),
    answer: value.answer.trim(),
    answerType: value.answerType,
    evidence: value.evidence.trim(),
  };
}

function textbookText(value: TextbookAnswer): string {
  const solution = value.solution === '' ? '' : `\nSolution: ${value.solution}`;
  return `${value.section}\n\nExercise: ${value.exercise}${solution}\nAnswer: ${value.answer}`;
}

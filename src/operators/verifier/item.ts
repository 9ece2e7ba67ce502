import { z } from 'zod';
import type { TierRecord } from '../../core/record.js';
import type { AnswerType } from './answers.js';

/** The fields of `meta.synthesis` the verifier reads; llm-synthesizer writes them. */
const checkableSynthesis = z.object({
  task: z.enum(['qa', 'textbook']),
  question: z.string().trim().min(1),
  answer: z.string().trim().min(1),
  answerType: z.enum(['number', 'text']).default('text'),
  evidence: z.string().nullish(),
  context: z.string().nullish(),
  section: z.string().nullish(),
  solution: z.string().nullish(),
});

export interface CheckableItem {
  task: 'qa' | 'textbook';
  question: string;
  answer: string;
  answerType: AnswerType;
  evidence: string | null;
  /** Passage of the source document around the evidence. */
  context: string | null;
  /** The textbook section written for a `textbook` item. */
  section: string | null;
  solution: string | null;
}

/**
 * Returns the question-answer item of a synthesized record, or null when the record has
 * none (a source document, a rewrite, or a record from another operator).
 */
export function readCheckableItem(record: TierRecord): CheckableItem | null {
  const parsed = checkableSynthesis.safeParse(record.meta.synthesis);
  if (!parsed.success) return null;
  const item = parsed.data;
  return {
    task: item.task,
    question: item.question,
    answer: item.answer,
    answerType: item.answerType,
    evidence: item.evidence ?? null,
    context: item.context ?? null,
    section: item.section ?? null,
    solution: item.solution ?? null,
  };
}

import { preview } from '../../llm/json-output.js';
import { tokenRecall } from './answers.js';
import { findQuote, foldedLength, windowAround } from './evidence.js';
import type { CheckableItem } from './item.js';

export interface SupportOptions {
  minEvidenceChars: number;
  minAnswerSupport: number;
  maxContextChars: number;
}

export type SupportResult =
  | {
      supported: true;
      /** The text the model derives its own answer from. */
      passage: string;
    }
  | { supported: false; reason: string; value: number | string | null };

/**
 * Checks that an item rests on its source: the evidence quote must occur in the source
 * passage, and most words of a text answer must occur in the evidence or the passage.
 * Numeric answers are often computed rather than quoted, so the re-derived answer checks those.
 */
export function checkSupport(item: CheckableItem, options: SupportOptions): SupportResult {
  if (item.context === null || item.context.trim() === '') {
    return {
      supported: false,
      reason: 'the item carries no source passage (meta.synthesis.context), so its evidence cannot be checked against the source',
      value: null,
    };
  }
  const evidence = item.evidence?.trim() ?? '';
  const evidenceChars = foldedLength(evidence);
  if (evidenceChars < options.minEvidenceChars) {
    return {
      supported: false,
      reason: `the evidence quote "${preview(evidence, 80)}" has ${evidenceChars} letters or digits, fewer than the ${options.minEvidenceChars} needed to support an answer`,
      value: evidenceChars,
    };
  }
  const match = findQuote(item.context, evidence);
  if (match === null) {
    return {
      supported: false,
      reason: `the evidence quote "${preview(evidence, 120)}" does not occur in the source passage, even ignoring case, spacing and punctuation`,
      value: preview(evidence, 120),
    };
  }
  if (item.answerType === 'text') {
    // A textbook answer may use the words of the section written for it.
    const recall = tokenRecall(item.answer, [evidence, item.context, item.section ?? ''].join('\n'));
    if (recall < options.minAnswerSupport) {
      return {
        supported: false,
        reason: `only ${percent(recall)} of the words of the answer "${preview(item.answer, 80)}" occur in the evidence, the source passage or the section, below the minimum of ${percent(options.minAnswerSupport)}`,
        value: recall,
      };
    }
  }
  return { supported: true, passage: derivationPassage(item, match, options.maxContextChars) };
}

/** Returns the textbook section for textbook items, else the source passage around the evidence. */
function derivationPassage(item: CheckableItem, match: { start: number; end: number }, maxChars: number): string {
  if (item.task === 'textbook' && item.section) return windowAround(item.section, 0, 0, maxChars);
  return windowAround(item.context!, match.start, match.end, maxChars);
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

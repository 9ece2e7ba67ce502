import { knownLang, type TierRecord } from '../../core/record.js';
import { cjkShare } from '../shared/llm-operator.js';
import type { Level, RewriteStyle, SynthesisTask } from './config.js';

/**
 * `meta.synthesis` of a synthesized record. Every record has the first six fields; `qa`
 * and `textbook` items add the question-answer fields that the verifier checks.
 */
export interface SynthesisMeta {
  task: SynthesisTask;
  /** Rewrite style; null for `qa` and `textbook`. */
  style: RewriteStyle | null;
  level: Level;
  prompt: string;
  model: string;
  /** Id of the document the record was synthesized from. */
  sourceId: string;
  /** Position of a `qa` item in the model's answer, from 0. */
  index?: number;
  /** The exercise, for `textbook` items. */
  question?: string;
  answer?: string;
  answerType?: 'number' | 'text';
  /** Sentence the model quoted from the source as support. */
  evidence?: string;
  /** Passage of the source around the evidence (or its start when the evidence is not found), for the verifier. */
  context?: string;
  knowledgePoint?: string;
  section?: string;
  solution?: string;
}

/**
 * Builds a new record derived from `parent`: same domain, language and source, no signals,
 * and a copy of the parent's lineage, to which the runtime appends the emit entry that
 * names the parent. Nothing is shared with the parent, which the runtime may still change.
 */
export function derivedRecord(parent: TierRecord, id: string, text: string, synthesis: SynthesisMeta): TierRecord {
  return {
    id,
    tier: parent.tier,
    domain: parent.domain,
    lang: parent.lang,
    text,
    source: { ...parent.source },
    meta: { synthesis },
    signals: {},
    lineage: structuredClone(parent.lineage),
  };
}

/**
 * Returns the English name of the language the model should write in. That is Chinese for
 * `zh` records and for records without `lang` whose letters are mostly Han, kana or Hangul,
 * and the English name of any other valid tag. Null, when the language is unknown, means
 * "write in the document's own language".
 */
export function languageName(record: TierRecord, cjkShareForChinese: number): string | null {
  const lang = knownLang(record);
  if (!lang) return cjkShare(record.text) >= cjkShareForChinese ? 'Chinese' : null;
  if (lang.toLowerCase().startsWith('zh')) return 'Chinese';
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language' }).of(lang);
    // DisplayNames echoes tags it has no name for.
    return name && name.toLowerCase() !== lang.toLowerCase() ? name : null;
  } catch {
    return null;
  }
}

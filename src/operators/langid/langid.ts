import { promote, type Operator, type Outcome } from '../../core/operator.js';
import type { TierRecord } from '../../core/record.js';
import { LANGID_NAME, LANGID_RULES, parseLangidConfig, type LangidConfig } from './config.js';
import { langOfLabel, UNDETERMINED } from './labels.js';
import { loadLanguageModel, type LanguageModel } from './model.js';

/** Result of `identifyLanguage`. */
export interface Identification {
  /** BCP-47 tag of the top label, or `und` when the text has no letters or the score is below minConfidence. */
  lang: string;
  /** Model label without `__label__` (such as `yue` for a `zh` result); empty when the text has no letters. */
  label: string;
  /** Probability of the top label, 0 to 1; 0 when the text has no letters. */
  score: number;
}

const LETTER = /\p{L}/u;
const WHITESPACE_RUN = /\s+/g;
const HAN = /\p{Script=Han}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * Returns the line that the model classifies: the first `maxChars` code points of `text`,
 * lower-cased, with each whitespace run (line breaks included) turned into one space, because
 * fastText classifies only the first line of its input. Lower-casing matters because lid.176
 * is case-sensitive and misreads capitals: on the labelled test sentences written in upper case,
 * French is recognised 36% of the time and Italian 26%. Lower-cased, the same sentences score
 * within half a point of the original ones in all 12 languages.
 */
export function prepareLine(text: string, maxChars: number): string {
  return prefixCodePoints(text, maxChars).replace(WHITESPACE_RUN, ' ').trim().toLowerCase();
}

/**
 * Identifies the language of the first `maxChars` code points of `text` (see `prepareLine`).
 * A text without any letter gets `und` with score 0, and so does any text whose top label
 * scores below `minConfidence`, but then with the label and its score.
 *
 * One correction follows the model: a `ja` label on text with Han characters but no kana
 * becomes `zh`. lid.176 gives `ja` to 3% of the Chinese test sentences (and to 19% of
 * their first three words), while Japanese prose writes its particles and endings in kana.
 * The cost is kanji-only Japanese snippets such as headings: on three-word texts Japanese
 * accuracy drops from 91% to 86% (docs/langid.md has the measurements).
 */
export function identifyLanguage(model: LanguageModel, text: string, maxChars: number, minConfidence: number): Identification {
  const line = prepareLine(text, maxChars);
  if (!LETTER.test(line)) return { lang: UNDETERMINED, label: '', score: 0 };

  const { label, probability } = model.predict(line);
  if (probability < minConfidence || label === '') return { lang: UNDETERMINED, label, score: probability };
  const lang = label === 'ja' && HAN.test(line) && !KANA.test(line) ? 'zh' : langOfLabel(label);
  return { lang, label, score: probability };
}

/** Returns the first `max` code points of `text` without splitting a surrogate pair. */
export function prefixCodePoints(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (let count = 0; count < max && end < text.length; count++) {
    const unit = text.charCodeAt(end);
    const next = text.charCodeAt(end + 1);
    end += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return text.slice(0, end);
}

/** Primary language subtag, lower-cased: `en` for `en-GB`, `zh` for `zh_Hans`. */
function primarySubtag(tag: string): string {
  return tag.split(/[-_]/, 1)[0]!.toLowerCase();
}

/**
 * L1 language identification with fastText's lid.176 model (see model.ts for the choice).
 *
 * Sets `record.lang` to a BCP-47 tag and `signals.lang_score` to the probability of the model's
 * top label. A record that arrives with a `lang` other than `und` keeps it unless `overwrite`
 * is on. The lineage entry's details name the model's label (`model_label`) whenever it
 * differs from the `lang` the record ends up with, such as `yue` for `zh` or `en` for `und`.
 *
 * Records of domain `code` pass unchanged: no `lang`, no score and no allow-list check,
 * because a natural-language label for source code is meaningless.
 *
 * With `allow` set, rejects with `langid_not_allowed` or `langid_undetermined` (see LANGID_RULES).
 *
 * The model loads on the first record (about 0.1 s) and is shared by every instance in the
 * process. The constructor already checks that the model files are installed, so a broken
 * install fails when the stage is built.
 */
export class LangidOperator implements Operator {
  readonly name = LANGID_NAME;
  readonly version = '1.0.0';
  readonly rules = LANGID_RULES;
  readonly config: LangidConfig;
  private readonly allowed: ReadonlySet<string> | null;
  private model: LanguageModel | null = null;
  private readonly modelReady: Promise<LanguageModel>;

  constructor(config: LangidConfig = parseLangidConfig({})) {
    this.config = config;
    this.allowed = config.allow === null ? null : new Set(config.allow);
    this.modelReady = loadLanguageModel();
    // process() reports a failed load; this keeps an unused operator from raising an unhandled rejection.
    this.modelReady.catch(() => {});
  }

  process(record: TierRecord): Outcome[] | Promise<Outcome[]> {
    if (record.domain === 'code') return promote(record);
    if (this.model !== null) return this.decide(record, this.model);
    return this.modelReady.then((model) => {
      this.model = model;
      return this.decide(record, model);
    });
  }

  private decide(record: TierRecord, model: LanguageModel): Outcome[] {
    const found = identifyLanguage(model, record.text, this.config.maxChars, this.config.minConfidence);
    record.signals.lang_score = found.score;

    // An input `und` carries no information, so the model's language replaces it.
    const trimmed = record.lang?.trim() ?? '';
    const inputLang = trimmed !== '' && primarySubtag(trimmed) !== UNDETERMINED ? trimmed : null;
    const keepInputLang = inputLang !== null && (!this.config.overwrite || found.lang === UNDETERMINED);
    record.lang = keepInputLang ? inputLang : found.lang;

    const details = found.label !== '' && found.label !== record.lang ? { model_label: found.label } : undefined;
    const rejection = this.checkAllowed(record, found);
    if (rejection !== null) {
      return [{ kind: 'reject', record, ...rejection, ...(details ? { details } : {}) }];
    }
    return [{ kind: 'promote', record, ...(details ? { details } : {}) }];
  }

  private checkAllowed(record: TierRecord, found: Identification): { rule: string; reason: string; value: string } | null {
    if (this.allowed === null) return null;
    const lang = record.lang!;
    const primary = primarySubtag(lang);
    if (this.allowed.has(primary)) return null;

    const allowList = [...this.allowed].join(', ');
    if (primary === UNDETERMINED) {
      const cause =
        found.label === ''
          ? 'the text has no letters'
          : `the top label ${found.label} scored ${found.score.toFixed(3)}, below minConfidence ${this.config.minConfidence}`;
      return {
        rule: 'langid_undetermined',
        reason: `the language is undetermined because ${cause}; allow lists ${allowList} without 'und'`,
        value: UNDETERMINED,
      };
    }
    const source = lang === found.lang ? `detected with score ${found.score.toFixed(3)}` : 'given by the input';
    return {
      rule: 'langid_not_allowed',
      reason: `language ${lang} (${source}) is not in allow: ${allowList}`,
      value: lang,
    };
  }
}

/** Builds the operator from raw options; throws ConfigError naming the bad option or a missing model file. */
export function createLangid(config: unknown): LangidOperator {
  return new LangidOperator(parseLangidConfig(config));
}

import { z } from 'zod';
import { promote, reject, type Operator, type Outcome } from '../core/operator.js';
import type { TierRecord } from '../core/record.js';
import { configErrorFromZod } from '../core/config-errors.js';

export const NORMALIZE_NAME = 'normalize';
export const NORMALIZE_RULES = ['normalize_empty', 'normalize_binary_content'] as const;

/** Options of the text normalizer. */
export const normalizeConfigSchema = z
  .object({
    /**
     * Reject a document when more than this share of its characters are control characters that
     * had to be removed. About 11% of random bytes decoded as UTF-8 are such controls, because 28
     * of the 256 byte values are, and most bytes above 0x7F become U+FFFD. Ordinary text has
     * almost none, so 0.05 catches mislabelled binary data and spares text with a few stray controls.
     */
    maxControlCharRatio: z
      .number({ invalid_type_error: 'must be a number from 0 to 1' })
      .min(0, 'must be a number from 0 to 1')
      .max(1, 'must be a number from 0 to 1')
      .default(0.05),
    /**
     * Turn the two characters backslash and "n" (and backslash-r-backslash-n) into a line break in
     * a document that has no real line breaks, a pattern of text that was JSON-escaped twice.
     * Off by default because code on one line, such as printf("a\n"), has the same pattern.
     */
    unescapeLiteralNewlines: z.boolean({ invalid_type_error: 'must be true or false' }).default(false),
    /** Minimum number of literal "\n" sequences in a document for unescapeLiteralNewlines to apply. */
    minLiteralNewlines: z
      .number({ invalid_type_error: 'must be a positive integer' })
      .int('must be a positive integer')
      .min(1, 'must be a positive integer')
      .default(3),
  })
  .strict();

export type NormalizeConfig = z.infer<typeof normalizeConfigSchema>;

/** Validates normalize options and fills in defaults; throws ConfigError naming the option. */
export function parseNormalizeConfig(input: unknown): NormalizeConfig {
  const result = normalizeConfigSchema.safeParse(input ?? {});
  if (!result.success) throw configErrorFromZod(NORMALIZE_NAME, result.error, input);
  return result.data;
}

/** Result of `normalizeText`; all counts are in Unicode code points. */
export interface NormalizedText {
  text: string;
  charsBefore: number;
  charsAfter: number;
  controlCharsRemoved: number;
  loneSurrogates: number;
  literalNewlinesUnescaped: number;
}

/**
 * Code units that make the character pass necessary: C0 and C1 controls other than tab and
 * line feed, DEL, U+2028/U+2029, the byte order mark and any surrogate.
 */
const NEEDS_CHARACTER_PASS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff]/;

const LITERAL_NEWLINE = /\\r\\n|\\n/g;

/**
 * Minimum number of removed control characters for a binary verdict, because a short text with
 * one stray NUL can exceed the ratio. 70 random bytes contain about 8 control characters.
 */
const MIN_CONTROL_CHARS_FOR_BINARY = 8;

/**
 * Normalizes text for the later stages:
 * 1. Replaces lone UTF-16 surrogates with U+FFFD, and turns CR LF, CR, VT, FF, NEL, U+2028 and
 *    U+2029 into LF. Those are line breaks, and removing them would join the words around them.
 * 2. Removes the other C0 and C1 control characters, DEL and U+FEFF (byte order mark). Tab stays.
 * 3. Optionally unescapes literal "\n" (see `unescapeLiteralNewlines`).
 * 4. Applies Unicode NFC.
 * 5. Per line: trims trailing whitespace and collapses runs of two or more spaces or tabs after the
 *    indentation to one space. Leading indentation stays, because code needs it.
 * 6. Collapses every run of blank lines to one blank line and trims the document.
 */
export function normalizeText(input: string, config: NormalizeConfig): NormalizedText {
  const cleaned = NEEDS_CHARACTER_PASS.test(input)
    ? cleanCharacters(input)
    : { text: input, charsBefore: input.length, controlCharsRemoved: 0, loneSurrogates: 0 };

  let text = cleaned.text;
  let literalNewlinesUnescaped = 0;
  if (config.unescapeLiteralNewlines && !text.includes('\n')) {
    const matches = text.match(LITERAL_NEWLINE)?.length ?? 0;
    if (matches >= config.minLiteralNewlines) {
      text = text.replace(LITERAL_NEWLINE, '\n');
      literalNewlinesUnescaped = matches;
    }
  }

  text = layoutLines(text.normalize('NFC'));
  return {
    text,
    charsBefore: cleaned.charsBefore,
    charsAfter: countCodePoints(text),
    controlCharsRemoved: cleaned.controlCharsRemoved,
    loneSurrogates: cleaned.loneSurrogates,
    literalNewlinesUnescaped,
  };
}

/** Steps 1 and 2 of `normalizeText`, in one pass over the code units. */
function cleanCharacters(input: string): {
  text: string;
  charsBefore: number;
  controlCharsRemoved: number;
  loneSurrogates: number;
} {
  const parts: string[] = [];
  let cleanStart = 0;
  let charsBefore = 0;
  let controlCharsRemoved = 0;
  let loneSurrogates = 0;

  // Copies the clean run before position `i`, then appends `replacement` in place of `skip` code units.
  const replace = (i: number, skip: number, replacement: string): void => {
    if (i > cleanStart) parts.push(input.slice(cleanStart, i));
    if (replacement !== '') parts.push(replacement);
    cleanStart = i + skip;
  };

  for (let i = 0; i < input.length; i++) {
    const unit = input.charCodeAt(i);
    charsBefore++;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < input.length ? input.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
      } else {
        replace(i, 1, '\ufffd');
        loneSurrogates++;
      }
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      replace(i, 1, '\ufffd');
      loneSurrogates++;
    } else if (unit === 0x0d) {
      const crlf = i + 1 < input.length && input.charCodeAt(i + 1) === 0x0a;
      replace(i, crlf ? 2 : 1, '\n');
      if (crlf) {
        i++;
        charsBefore++;
      }
    } else if (unit === 0x0b || unit === 0x0c || unit === 0x85 || unit === 0x2028 || unit === 0x2029) {
      replace(i, 1, '\n');
    } else if (isRemovedControl(unit)) {
      replace(i, 1, '');
      controlCharsRemoved++;
    }
  }
  if (cleanStart < input.length) parts.push(input.slice(cleanStart));
  return { text: parts.join(''), charsBefore, controlCharsRemoved, loneSurrogates };
}

function isRemovedControl(unit: number): boolean {
  return (unit < 0x20 && unit !== 0x09 && unit !== 0x0a) || (unit >= 0x7f && unit <= 0x9f) || unit === 0xfeff;
}

/** Steps 5 and 6 of `normalizeText`; `text` has only LF line breaks. */
function layoutLines(text: string): string {
  const lines: string[] = [];
  let pendingBlank = false;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trimEnd();
    if (line === '') {
      pendingBlank = lines.length > 0;
      continue;
    }
    if (pendingBlank) lines.push('');
    pendingBlank = false;
    const indentLength = lines.length === 0 ? 0 : line.length - line.trimStart().length;
    const body = line.slice(indentLength).trimStart().replace(/[ \t]{2,}/g, ' ');
    lines.push(line.slice(0, indentLength) + body);
  }
  return lines.join('\n');
}

/** Counts code points; a valid surrogate pair counts once and a lone surrogate counts once. */
export function countCodePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/**
 * First L0 → L1 step: cleans control characters, line breaks and spacing (see `normalizeText`) so
 * that both dedup steps and the heuristic filters see canonical text.
 *
 * Rejects with `normalize_binary_content` when the share of removed control characters exceeds
 * maxControlCharRatio (and at least 8 were removed), and with `normalize_empty` when nothing is left. A rejected record keeps
 * its original text so that the rejects topic shows what arrived.
 *
 * Signals: `normalize_chars_before`, `normalize_chars_after`, `normalize_control_chars_removed`,
 * `normalize_lone_surrogates` and `normalize_literal_newlines_unescaped`, all in code points.
 */
export class NormalizeOperator implements Operator {
  readonly name = NORMALIZE_NAME;
  readonly version = '1.0.0';
  readonly rules = NORMALIZE_RULES;
  readonly config: NormalizeConfig;

  constructor(config: NormalizeConfig = parseNormalizeConfig({})) {
    this.config = config;
  }

  process(record: TierRecord): Outcome[] {
    const result = normalizeText(record.text, this.config);
    record.signals.normalize_chars_before = result.charsBefore;
    record.signals.normalize_chars_after = result.charsAfter;
    record.signals.normalize_control_chars_removed = result.controlCharsRemoved;
    record.signals.normalize_lone_surrogates = result.loneSurrogates;
    record.signals.normalize_literal_newlines_unescaped = result.literalNewlinesUnescaped;

    const controlRatio = result.charsBefore === 0 ? 0 : result.controlCharsRemoved / result.charsBefore;
    if (result.controlCharsRemoved >= MIN_CONTROL_CHARS_FOR_BINARY && controlRatio > this.config.maxControlCharRatio) {
      const reason =
        `${result.controlCharsRemoved} of ${result.charsBefore} characters are control characters ` +
        `(ratio ${controlRatio.toFixed(3)} > maxControlCharRatio ${this.config.maxControlCharRatio}); ` +
        'the content is likely binary data labelled as text';
      return reject(record, 'normalize_binary_content', reason, controlRatio);
    }
    if (result.charsAfter === 0) {
      const reason =
        result.charsBefore === 0
          ? 'the text is empty'
          : `no text is left after normalization: all ${result.charsBefore} characters were whitespace or control characters`;
      return reject(record, 'normalize_empty', reason, result.charsBefore);
    }

    record.text = result.text;
    return promote(record);
  }
}

/** Builds the operator from raw options; throws ConfigError naming the bad option. */
export function createNormalize(config: unknown): NormalizeOperator {
  return new NormalizeOperator(parseNormalizeConfig(config));
}

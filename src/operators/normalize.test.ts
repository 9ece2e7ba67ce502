import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import type { Outcome } from '../core/operator.js';
import { makeRecord } from '../core/testing.js';
import { countCodePoints, NormalizeOperator, normalizeText, parseNormalizeConfig } from './normalize.js';

const DEFAULTS = parseNormalizeConfig({});
const DEMO_DEDUP = '/work/shared/data/labelled/dedup/demo-dataset-deduplication.jsonl';

function single(outcomes: Outcome[]): Outcome {
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

describe('normalizeText', () => {
  it('turns CR LF and lone CR into LF', () => {
    expect(normalizeText('a\r\nb\rc', DEFAULTS).text).toBe('a\nb\nc');
  });

  it('turns VT, FF, NEL and U+2028 into line breaks', () => {
    expect(normalizeText('page one\fpage two\u000bthree\u0085four\u2028five', DEFAULTS).text).toBe(
      'page one\npage two\nthree\nfour\nfive',
    );
  });

  it('removes C0 and C1 controls, DEL and BOM but keeps tab', () => {
    const result = normalizeText('\ufeffab\u0000c\u0007d\u007fe\u009bf\tg', DEFAULTS);

    expect(result.text).toBe('abcdef\tg');
    expect(result.controlCharsRemoved).toBe(5);
  });

  it('replaces lone surrogates and counts them', () => {
    const result = normalizeText('a\ud800b\udc00c 😀', DEFAULTS);

    expect(result.text).toBe('a\ufffdb\ufffdc 😀');
    expect(result.loneSurrogates).toBe(2);
  });

  it('counts characters in code points', () => {
    const result = normalizeText('😀😀 ab', DEFAULTS);

    expect(result.charsBefore).toBe(5);
    expect(result.charsAfter).toBe(5);
  });

  it('applies NFC', () => {
    // "e" + combining acute accent becomes the single code point U+00E9.
    const result = normalizeText('cafe\u0301', DEFAULTS);

    expect(result.text).toBe('caf\u00e9');
    expect(result.charsBefore).toBe(5);
    expect(result.charsAfter).toBe(4);
  });

  it('collapses inner spaces and tabs and trims line ends', () => {
    expect(normalizeText('a  b\t\tc \t d   \nnext\t \u00a0', DEFAULTS).text).toBe('a b c d\nnext');
  });

  it('keeps indentation of later lines', () => {
    expect(normalizeText('def f():\n    return  1\n\tpass', DEFAULTS).text).toBe('def f():\n    return 1\n\tpass');
  });

  it('collapses runs of blank lines to one', () => {
    expect(normalizeText('a\n\nb\n\n\nc\n \n\t\n\n\nd', DEFAULTS).text).toBe('a\n\nb\n\nc\n\nd');
  });

  it('trims the document', () => {
    expect(normalizeText('\n\n   first line\nlast  \n\n\n', DEFAULTS).text).toBe('first line\nlast');
  });

  it('leaves literal backslash-n alone by default', () => {
    expect(normalizeText('one\\ntwo\\nthree\\nfour', DEFAULTS).text).toBe('one\\ntwo\\nthree\\nfour');
  });

  it('unescapes literal backslash-n when enabled', () => {
    const config = parseNormalizeConfig({ unescapeLiteralNewlines: true });
    const result = normalizeText('one\\ntwo\\r\\nthree\\n\\nfour', config);

    expect(result.text).toBe('one\ntwo\nthree\n\nfour');
    expect(result.literalNewlinesUnescaped).toBe(4);
  });

  it('skips unescaping below minLiteralNewlines', () => {
    const config = parseNormalizeConfig({ unescapeLiteralNewlines: true });

    expect(normalizeText('printf("a\\n"); printf("b\\n");', config).text).toBe('printf("a\\n"); printf("b\\n");');
  });

  it('skips unescaping when real line breaks exist', () => {
    const config = parseNormalizeConfig({ unescapeLiteralNewlines: true });

    expect(normalizeText('a\\nb\\nc\\nd\nreal line', config).text).toBe('a\\nb\\nc\\nd\nreal line');
  });

  it('unescapes the escaped Chinese report from the dedup demo', () => {
    const line13 = readFileSync(DEMO_DEDUP, 'utf8').split('\n')[12]!;
    const text = (JSON.parse(line13) as { text: string }).text;
    const config = parseNormalizeConfig({ unescapeLiteralNewlines: true });
    const result = normalizeText(text, config);

    expect(text.includes('\n')).toBe(false);
    expect(result.text.startsWith('第九届会议\n2003年7月28日至8月8日\n牙买加金斯敦\n')).toBe(true);
    expect(result.text.includes('\\n')).toBe(false);
    expect(result.literalNewlinesUnescaped).toBeGreaterThan(10);
  });

  it('returns the same text for clean input', () => {
    const clean = 'A clean paragraph.\n\nAnother one, with 中文 and émoji 😀.';

    expect(normalizeText(clean, DEFAULTS).text).toBe(clean);
  });
});

describe('countCodePoints', () => {
  it('counts pairs once and lone surrogates once', () => {
    expect(countCodePoints('')).toBe(0);
    expect(countCodePoints('abc')).toBe(3);
    expect(countCodePoints('😀x')).toBe(2);
    expect(countCodePoints('\ud800x\udc00')).toBe(3);
  });
});

describe('NormalizeOperator', () => {
  it('promotes normalized text with signals', () => {
    const record = makeRecord('  Hello\u0000   world \r\n');
    const outcome = single(new NormalizeOperator().process(record));

    expect(outcome.kind).toBe('promote');
    expect(outcome.record.text).toBe('Hello world');
    expect(record.signals).toEqual({
      normalize_chars_before: 19,
      normalize_chars_after: 11,
      normalize_control_chars_removed: 1,
      normalize_lone_surrogates: 0,
      normalize_literal_newlines_unescaped: 0,
    });
  });

  it('rejects whitespace-only text as normalize_empty', () => {
    const record = makeRecord(' \n\t\r\n ');
    const outcome = single(new NormalizeOperator().process(record));

    expect(outcome).toMatchObject({ kind: 'reject', rule: 'normalize_empty', value: 6 });
    expect(record.text).toBe(' \n\t\r\n ');
  });

  it('rejects empty text as normalize_empty', () => {
    const outcome = single(new NormalizeOperator().process(makeRecord('')));

    expect(outcome).toMatchObject({ kind: 'reject', rule: 'normalize_empty', reason: 'the text is empty', value: 0 });
  });

  it('rejects binary content above maxControlCharRatio', () => {
    // Bytes 0..255 decoded as UTF-8, as a reader would do with a binary file.
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256));
    const record = makeRecord(bytes.toString('utf8'));
    const outcome = single(new NormalizeOperator().process(record));

    expect(outcome.kind).toBe('reject');
    expect(outcome).toMatchObject({ rule: 'normalize_binary_content' });
    expect(record.signals.normalize_control_chars_removed).toBeGreaterThan(0.05 * record.signals.normalize_chars_before!);
  });

  it('keeps text with a few stray controls', () => {
    const text = 'ordinary text '.repeat(20) + '\u0001\u0002';
    const outcome = single(new NormalizeOperator().process(makeRecord(text)));

    expect(outcome.kind).toBe('promote');
  });

  it('keeps a short text with one stray NUL', () => {
    // 1 of 12 characters is above the 0.05 ratio, but one control character is no evidence of binary data.
    const outcome = single(new NormalizeOperator().process(makeRecord('Hello\u0000 world')));

    expect(outcome.kind).toBe('promote');
    expect(outcome.record.text).toBe('Hello world');
  });

  it('honours a custom maxControlCharRatio', () => {
    const text = 'abcdefghij' + '\u0000'.repeat(10);
    const strict = single(new NormalizeOperator().process(makeRecord(text)));
    const lenient = single(new NormalizeOperator(parseNormalizeConfig({ maxControlCharRatio: 0.5 })).process(makeRecord(text)));

    expect(strict.kind).toBe('reject');
    expect(lenient.kind).toBe('promote');
    expect(lenient.record.text).toBe('abcdefghij');
  });

  it('lists its rules', () => {
    expect(new NormalizeOperator().rules).toEqual(['normalize_empty', 'normalize_binary_content']);
  });
});

describe('parseNormalizeConfig', () => {
  it('fills in defaults', () => {
    expect(parseNormalizeConfig(undefined)).toEqual({
      maxControlCharRatio: 0.05,
      unescapeLiteralNewlines: false,
      minLiteralNewlines: 3,
    });
  });

  it('names the path and value of a bad option', () => {
    expect(() => parseNormalizeConfig({ maxControlCharRatio: 2 })).toThrow(ConfigError);
    expect(() => parseNormalizeConfig({ maxControlCharRatio: 2 })).toThrow(
      'normalize.maxControlCharRatio must be a number from 0 to 1, got 2',
    );
    expect(() => parseNormalizeConfig({ minLiteralNewlines: 0 })).toThrow(
      'normalize.minLiteralNewlines must be a positive integer, got 0',
    );
    expect(() => parseNormalizeConfig({ unescapeLiteralNewlines: 'yes' })).toThrow(
      'normalize.unescapeLiteralNewlines must be true or false, got "yes"',
    );
  });

  it('rejects unknown options', () => {
    expect(() => parseNormalizeConfig({ maxControlRatio: 0.1 })).toThrow(ConfigError);
    expect(() => parseNormalizeConfig({ maxControlRatio: 0.1 })).toThrow("unknown option(s) 'maxControlRatio'");
  });
});

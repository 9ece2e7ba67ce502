import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSpacelessCodePoint } from '../../text/script.js';
import { detectShingleMode, Shingler, type ShinglerOptions } from './shingles.js';

const AUTO: ShinglerOptions = { shingle: 'auto', wordShingleSize: 5, charShingleSize: 5 };
const C4_DEMO = '/work/shared/data/web_en/c4_demo.jsonl';
const ZH_CLEAN = '/work/shared/data/labelled/quality/clean.jsonl';

function jsonlTexts(path: string): string[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { text: string }).text);
}

/** Distinct shingle hashes of `text`. */
function hashSet(text: string, options: ShinglerOptions = AUTO): Set<number> {
  const shingler = new Shingler(options);
  const result = shingler.extract(text);
  return new Set(result.hashes.subarray(0, result.shingles));
}

/** Reference word tokens built with regular expressions, independent of the table-driven loop. */
function referenceWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/u)
    .map((word) => word.replace(/[^\p{L}\p{M}\p{N}]/gu, ''))
    .filter((word) => word.length > 0);
}

/** Reference char-mode tokens: each spaceless letter alone, other letters and digits in runs. */
function referenceCharTokens(text: string): string[] {
  const tokens: string[] = [];
  let run = '';
  for (const char of text.toLowerCase()) {
    const isWordChar = /[\p{L}\p{M}\p{N}]/u.test(char);
    if (isWordChar && !isSpacelessCodePoint(char.codePointAt(0)!)) {
      run += char;
      continue;
    }
    if (run !== '') tokens.push(run);
    run = '';
    if (isWordChar) tokens.push(char);
  }
  if (run !== '') tokens.push(run);
  return tokens;
}

function referenceShingles(tokens: string[], n: number): Set<string> {
  if (tokens.length === 0) return new Set();
  if (tokens.length < n) return new Set([tokens.join(' ')]);
  const shingles = new Set<string>();
  for (let i = 0; i + n <= tokens.length; i++) shingles.add(tokens.slice(i, i + n).join(' '));
  return shingles;
}

function jaccard<T>(a: Set<T>, b: Set<T>): number {
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

describe('detectShingleMode', () => {
  it('picks char for mostly Chinese text', () => {
    expect(detectShingleMode('你好，请问你是谁')).toBe('char');
    expect(detectShingleMode('2003年7月28日至8月8日 牙买加金斯敦 ISA')).toBe('char');
  });

  it('picks char for Japanese and Thai', () => {
    expect(detectShingleMode('これは日本語の文章です')).toBe('char');
    expect(detectShingleMode('ภาษาไทยไม่มีการเว้นวรรคระหว่างคำ')).toBe('char');
  });

  it('picks word for English and for text without letters', () => {
    expect(detectShingleMode('An English sentence with one word 中文.')).toBe('word');
    expect(detectShingleMode('12345 !!! 😀')).toBe('word');
    expect(detectShingleMode('')).toBe('word');
  });
});

describe('Shingler', () => {
  it('lower-cases words and drops punctuation', () => {
    expect(hashSet("It's a TEST, of the shingler!")).toEqual(hashSet('its a test of the shingler'));
  });

  it('keeps word order inside a shingle', () => {
    expect(hashSet('a b c d e')).not.toEqual(hashSet('e d c b a'));
  });

  it('yields one shingle for a text shorter than n', () => {
    const shingler = new Shingler(AUTO);

    expect(shingler.extract('hello world')).toMatchObject({ mode: 'word', tokens: 2, shingles: 1 });
  });

  it('gives distinct short texts distinct shingles', () => {
    const texts = ['hello world', 'good morning', 'yes', 'no', 'hello', 'world hello', 'hello world again'];
    const hashes = texts.map((text) => [...hashSet(text)]);

    expect(hashes.every((set) => set.length === 1)).toBe(true);
    expect(new Set(hashes.map((set) => set[0])).size).toBe(texts.length);
  });

  it('yields no shingles without words', () => {
    const shingler = new Shingler(AUTO);

    expect(shingler.extract('').shingles).toBe(0);
    expect(shingler.extract('... !!! — 😀 ???').shingles).toBe(0);
  });

  it('counts repeated shingles', () => {
    const shingler = new Shingler(AUTO);

    expect(shingler.extract('a b c d e a b c d e').shingles).toBe(6);
  });

  it('cuts Chinese into character shingles', () => {
    const text = jsonlTexts(ZH_CLEAN)[0]!.slice(0, 300);
    const shingler = new Shingler(AUTO);
    const result = shingler.extract(text);

    expect(result.mode).toBe('char');
    expect(result.shingles).toBe(referenceCharTokens(text).length - 4);
    expect(result.shingles).toBeGreaterThan(200);
  });

  it('keeps digits and Latin runs whole in char mode', () => {
    const shingler = new Shingler({ ...AUTO, charShingleSize: 1 });
    const result = shingler.extract('崔绍涵（Hans），1990年');

    // 崔 绍 涵 hans 1990 年
    expect(result.tokens).toBe(6);
  });

  it('handles astral characters', () => {
    // U+20000 is a CJK Extension B ideograph, U+1D400 a mathematical bold letter.
    const shingler = new Shingler({ ...AUTO, shingle: 'word' });

    expect(shingler.extract('\u{20000}\u{20001} 𝐀bc 😀').tokens).toBe(2);
    expect(hashSet('𝐀bc one two three four')).not.toEqual(hashSet('abc one two three four'));
  });

  it('grows its buffer for long documents', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `w${i}`).join(' ');
    const result = new Shingler(AUTO).extract(text);

    expect(result.shingles).toBe(4996);
    expect(new Set(result.hashes.subarray(0, 4996)).size).toBe(4996);
  });

  it('matches reference word shingles on real English text', () => {
    const texts = jsonlTexts(C4_DEMO).slice(0, 50);
    for (const text of texts) {
      const reference = referenceShingles(referenceWords(text), 5);
      const hashes = hashSet(text, { ...AUTO, shingle: 'word' });

      expect(hashes.size).toBe(reference.size);
    }
  });

  it('matches reference Jaccard on real text pairs', () => {
    const texts = jsonlTexts(C4_DEMO);
    const base = referenceWords(texts[1]!).slice(0, 300);
    const edited = [...base];
    for (const position of [40, 110, 180, 250]) edited[position] = 'zebra';
    const a = base.join(' ');
    const b = edited.join(' ');

    const expected = jaccard(referenceShingles(base, 5), referenceShingles(edited, 5));

    expect(jaccard(hashSet(a), hashSet(b))).toBe(expected);
  });

  it('matches reference char shingles on real Chinese text', () => {
    for (const text of jsonlTexts(ZH_CLEAN)) {
      const reference = referenceShingles(referenceCharTokens(text), 5);

      expect(hashSet(text).size).toBe(reference.size);
    }
  });
});

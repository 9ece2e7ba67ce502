import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { buildBenchmarkIndex, findContamination, ngrams, tokenStreams } from './decontaminate.js';

const GSM8K = resolve(import.meta.dirname, '../../../../shared/data/math/gsm8k.jsonl');
const OPTIONS = { ngram: 13, cjkNgram: 13 };

const CHINESE_BENCHMARK = '小明有十二个苹果，他给了小红五个，又买了三个，请问小明现在有多少个苹果？';

function fixtureDir(): string {
  return mkdtempSync(join(tmpdir(), 'tiers-benchmarks-'));
}

/** The first three GSM8K test problems, as the benchmark fixture. */
function gsm8kFixture(dir: string): { path: string; questions: string[] } {
  const lines = readFileSync(GSM8K, 'utf8').split('\n').slice(0, 3);
  const path = join(dir, 'gsm8k-head.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, questions: lines.map((line) => (JSON.parse(line) as { question: string }).question) };
}

describe('tokenStreams', () => {
  it('separates words from Han characters', () => {
    expect(tokenStreams('GSM8K 数学题: Janet’s ducks')).toEqual({
      words: ['gsm8k', 'janet', 's', 'ducks'],
      chars: ['数', '学', '题'],
    });
  });

  it('applies NFKC before splitting', () => {
    expect(tokenStreams('Ｔｅｓｔ１２').words).toEqual(['test12']);
  });
});

describe('ngrams', () => {
  it('gives one n-gram per position', () => {
    const words = Array.from({ length: 15 }, (_, i) => `w${i}`).join(' ');

    expect(ngrams(words, OPTIONS)).toHaveLength(3);
    expect(ngrams(words, OPTIONS)[0]!.shown).toBe('w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12');
  });

  it('gives none for short streams', () => {
    expect(ngrams('only a few words here', OPTIONS)).toEqual([]);
  });

  it('uses the character length for Chinese', () => {
    expect(ngrams('一二三四五六七八九十甲乙丙丁', OPTIONS)).toHaveLength(2);
  });
});

describe('buildBenchmarkIndex and findContamination', () => {
  it('flags a repeated GSM8K question', () => {
    const dir = fixtureDir();
    const { path, questions } = gsm8kFixture(dir);
    const index = buildBenchmarkIndex([path], OPTIONS, null);
    const found = findContamination(index, `Question: ${questions[0]}\nAnswer: 18`, 1);

    expect(found?.file).toBe(path);
    expect(found?.shared).toBeGreaterThan(10);
    expect(found?.example.split(' ')).toHaveLength(13);
  });

  it('flags one shared 13-word run', () => {
    const dir = fixtureDir();
    const { path } = gsm8kFixture(dir);
    const index = buildBenchmarkIndex([path], OPTIONS, null);
    const text = 'Tom notes that she eats three for breakfast every morning and bakes muffins for her friends, so what is left?';

    expect(findContamination(index, text, 1)?.shared).toBe(1);
    expect(findContamination(index, text, 2)).toBeNull();
  });

  it('passes a new question on the same topic', () => {
    const dir = fixtureDir();
    const { path } = gsm8kFixture(dir);
    const index = buildBenchmarkIndex([path], OPTIONS, null);
    const text = 'A farmer has 20 hens that each lay one egg a day. He sells every egg for 3 dollars. How much does he earn in a week?';

    expect(findContamination(index, text, 1)).toBeNull();
  });

  it('reads only the configured fields', () => {
    const dir = fixtureDir();
    const { path, questions } = gsm8kFixture(dir);
    const answersOnly = buildBenchmarkIndex([path], OPTIONS, ['cot']);

    expect(findContamination(answersOnly, questions[0]!, 1)).toBeNull();
  });

  it('flags shared Chinese characters', () => {
    const dir = fixtureDir();
    const path = join(dir, 'zh-bench.txt');
    writeFileSync(path, `${CHINESE_BENCHMARK}\n`);
    const index = buildBenchmarkIndex([path], OPTIONS, null);
    const item = '问题：小明有十二个苹果。他给了小红五个！答案：七';

    expect(findContamination(index, item, 1)?.file).toBe(path);
    expect(findContamination(index, '小华有二十个橘子，他吃掉了三个，还剩多少？', 1)).toBeNull();
  });

  it('reads gzipped lines and several files', () => {
    const dir = fixtureDir();
    const { path: plain } = gsm8kFixture(dir);
    const zipped = join(dir, 'zh.jsonl.gz');
    writeFileSync(zipped, gzipSync(`${JSON.stringify({ question: CHINESE_BENCHMARK, answer: '10' })}\n`));
    const index = buildBenchmarkIndex([plain, zipped], OPTIONS, null);

    expect(findContamination(index, CHINESE_BENCHMARK, 1)?.file).toBe(zipped);
  });

  it('rejects a missing file with its path', () => {
    expect(() => buildBenchmarkIndex(['/nonexistent/bench.jsonl'], OPTIONS, null)).toThrow(ConfigError);
    expect(() => buildBenchmarkIndex(['/nonexistent/bench.jsonl'], OPTIONS, null)).toThrow(/\/nonexistent\/bench\.jsonl/);
  });

  it('rejects an invalid JSON line with its number', () => {
    const dir = fixtureDir();
    const path = join(dir, 'broken.jsonl');
    writeFileSync(path, `${JSON.stringify({ question: 'fine' })}\n{not json\n`);

    expect(() => buildBenchmarkIndex([path], OPTIONS, null)).toThrow(/broken\.jsonl line 2 is not valid JSON/);
  });

  it('rejects a file without any n-gram', () => {
    const dir = fixtureDir();
    const path = join(dir, 'short.txt');
    writeFileSync(path, 'too short\n');

    expect(() => buildBenchmarkIndex([path], OPTIONS, null)).toThrow(/contains no text of at least 13 words/);
  });
});

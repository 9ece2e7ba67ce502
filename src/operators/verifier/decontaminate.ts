import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ConfigError } from '../../core/errors.js';

/**
 * N-gram overlap with benchmark texts. Text is case-folded NFKC and split into two token
 * streams: words of scripts that separate words with spaces, and single Han or kana
 * characters. Each stream gets its own n-gram length, so a mixed Chinese and English text
 * is compared stream by stream with the same lengths on both sides.
 */

export interface NgramOptions {
  /** Words per n-gram for space-separated scripts. */
  ngram: number;
  /** Characters per n-gram for Han and kana, which have no spaces between words. */
  cjkNgram: number;
}

export interface Ngram {
  key: string;
  /** The n-gram as text, for rejection reasons. */
  shown: string;
}

export interface BenchmarkIndex {
  /** Paths as configured, indexed by the numbers stored in `owner`. */
  files: string[];
  /** Hashed n-gram → index in `files` of the first benchmark that contains it. */
  owner: Map<string, number>;
  options: NgramOptions;
}

export interface Contamination {
  file: string;
  shared: number;
  example: string;
}

const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}`;
const TOKEN = new RegExp(String.raw`(?<cjk>[${CJK}])|(?<word>(?:(?![${CJK}])[\p{L}\p{N}\p{M}])+)`, 'gu');

/** Returns the word tokens and the Han or kana characters of a text, each in reading order. */
export function tokenStreams(text: string): { words: string[]; chars: string[] } {
  const words: string[] = [];
  const chars: string[] = [];
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(TOKEN)) {
    if (match.groups!.cjk) chars.push(match.groups!.cjk);
    else words.push(match[0]);
  }
  return { words, chars };
}

/**
 * Returns the n-grams of a text. A stream shorter than its n-gram length gives none, so
 * very short questions cannot be matched by this check.
 */
export function ngrams(text: string, options: NgramOptions): Ngram[] {
  const { words, chars } = tokenStreams(text);
  const result: Ngram[] = [];
  for (let i = 0; i + options.ngram <= words.length; i++) {
    const shown = words.slice(i, i + options.ngram).join(' ');
    result.push({ key: hashNgram(`w ${shown}`), shown });
  }
  for (let i = 0; i + options.cjkNgram <= chars.length; i++) {
    const shown = chars.slice(i, i + options.cjkNgram).join('');
    result.push({ key: hashNgram(`c ${shown}`), shown });
  }
  return result;
}

/** 96 bits of SHA-256: collisions stay negligible for billions of n-grams. */
function hashNgram(gram: string): string {
  return createHash('sha256').update(gram).digest('base64').slice(0, 16);
}

/**
 * Reads benchmark files into one index of hashed n-grams. `.jsonl`, `.ndjson` and `.json`
 * files (optionally gzipped) are read as one JSON object per line, taking every string
 * value or only the top-level `fields` when given. Any other file is read as plain text.
 * Throws ConfigError for a missing or unreadable file and for a file without any n-gram.
 */
export function buildBenchmarkIndex(paths: string[], options: NgramOptions, fields: string[] | null): BenchmarkIndex {
  const owner = new Map<string, number>();
  paths.forEach((path, fileIndex) => {
    let count = 0;
    for (const text of benchmarkTexts(path, fields)) {
      for (const gram of ngrams(text, options)) {
        count++;
        if (!owner.has(gram.key)) owner.set(gram.key, fileIndex);
      }
    }
    if (count === 0) {
      throw new ConfigError(
        `verifier.benchmarks: ${path} contains no text of at least ${options.ngram} words or ${options.cjkNgram} Han characters; check the file and verifier.benchmarkFields`,
      );
    }
  });
  return { files: paths, owner, options };
}

/**
 * Returns the benchmark sharing the most n-grams with `text` when that number reaches
 * `minShared`, else null.
 */
export function findContamination(index: BenchmarkIndex, text: string, minShared: number): Contamination | null {
  const shared = new Map<number, { count: number; example: string }>();
  const seen = new Set<string>();
  for (const gram of ngrams(text, index.options)) {
    const file = index.owner.get(gram.key);
    if (file === undefined || seen.has(gram.key)) continue;
    seen.add(gram.key);
    const entry = shared.get(file) ?? { count: 0, example: gram.shown };
    entry.count++;
    shared.set(file, entry);
  }
  let best: Contamination | null = null;
  for (const [file, entry] of shared) {
    if (entry.count >= minShared && (best === null || entry.count > best.shared)) {
      best = { file: index.files[file]!, shared: entry.count, example: entry.example };
    }
  }
  return best;
}

function benchmarkTexts(path: string, fields: string[] | null): string[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new ConfigError(`verifier.benchmarks: cannot read ${path}: ${(err as Error).message}`);
  }
  const name = basename(path).toLowerCase();
  const plainName = name.endsWith('.gz') ? name.slice(0, -3) : name;
  const text = (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  if (!/\.(jsonl|ndjson|json)$/.test(plainName)) return [text];
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, number }) => stringsOf(parseLine(path, line, number), fields).join('\n'));
}

function parseLine(path: string, line: string, number: number): unknown {
  try {
    return JSON.parse(line);
  } catch (err) {
    throw new ConfigError(`verifier.benchmarks: ${path} line ${number} is not valid JSON (${(err as Error).message})`);
  }
}

/** Collects every string in a JSON value, or for an object with `fields`, those top-level keys only. */
function stringsOf(value: unknown, fields: string[] | null): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((item) => stringsOf(item, null));
  if (value === null || typeof value !== 'object') return [];
  const entries = Object.entries(value as Record<string, unknown>);
  const chosen = fields === null ? entries : entries.filter(([key]) => fields.includes(key));
  return chosen.flatMap(([, item]) => stringsOf(item, null));
}

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { InputReader } from './read-inputs.js';
import { ERROR_LEVEL, captureLogger, readAll } from './testing.js';

const dataDir = resolve(packageRoot(), '../shared/data');
const hasData = existsSync(dataDir);
if (!hasData) console.warn(`Skipping real-data reader tests: ${dataDir} does not exist.`);

const zstdAvailable = (() => {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!zstdAvailable) console.warn('Skipping zstd reader tests: the zstd command is not installed.');

const c4Path = join(dataDir, 'web_en/c4_demo.jsonl');
const dolmaGzPath = join(dataDir, 'web_en/CC-MAIN-20190717121559-20190717143559-00140.jsonl.gz');
const cleared1Path = join(dataDir, 'web_zh/cleared1.jsonl');
const wetPath = join(dataDir, 'web_en/whirlwind.warc.wet.gz');
const warcPath = join(dataDir, 'web_en/whirlwind.warc.gz');
const ccHeadPath = join(dataDir, 'web_en/cc_en_head-0091.jsonl');

describe.skipIf(!hasData)('real corpus files (from ../shared/data)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tiers-real-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('C4 demo has 300 records', async () => {
    const { records, stats } = await readAll([c4Path]);
    expect(stats).toMatchObject({ files: 1, filesFailed: 0, items: 300, records: 300 });
    expect(new Set(records.map((record) => record.id)).size).toBe(300);
    const first = records[0];
    const expectedId = createHash('sha256').update(`c4_demo.jsonl:1:${first?.text}`).digest('hex').slice(0, 32);
    expect(first?.id).toBe(expectedId);
    expect(first?.source.dataset).toBe('c4_demo');
    expect(first?.meta).toEqual({});
    expect(first?.domain).toBe('web');
  });

  test('Dolma gzip shard has 697 documents', async () => {
    const { items, records, stats } = await readAll([dolmaGzPath]);
    expect(stats).toMatchObject({ files: 1, filesFailed: 0, items: 697, dead: 0 });
    // 27 documents of this shard have empty text.
    expect(records).toHaveLength(670);
    const rules = items.flatMap((item) => (item.kind === 'reject' ? [item.rule] : []));
    expect(rules).toEqual(Array(27).fill('ingest_empty_text'));

    const first = records[0];
    expect(first?.id).toBe('blj5uzvcoa4iybpd5o6kom5nir6ngmoj');
    expect(first?.source.uri).toBe('http://16thfleet.wikidot.com/chatter:anewhome');
    expect(first?.source.dataset).toBe('test_gz');
    expect(first?.source.fetchTime).toBe('2019-07-17T13:39:42.000Z');
    // Neither the fields nor the file name contain a CC-MAIN-YYYY-WW name: the file name is a
    // WARC segment timestamp, and mapping it to a crawl would need a table of crawl dates.
    expect(first?.source.dump).toBeNull();
  });

  test('cc_net Chinese file reads raw_content', async () => {
    const { records, stats } = await readAll([cleared1Path]);
    expect(stats).toMatchObject({ items: 100, records: 100 });
    const first = records[0];
    expect(first?.text.startsWith('铜鼓县一制药公司')).toBe(true);
    expect(first?.lang).toBe('zh');
    expect(first?.source.dump).toBe('CC-MAIN-2022-21');
    expect(first?.source.fetchTime).toBe('2022-05-19T09:45:36Z');
    expect(first?.meta).not.toHaveProperty('raw_content');
    expect(first?.meta).toHaveProperty('title');
  });

  test('cc_net head file has 10 records', async () => {
    const { records, stats } = await readAll([ccHeadPath]);
    expect(stats).toMatchObject({ items: 10, records: 10 });
    const first = records[0];
    expect(first?.id).toBe('http://100kinvesting.com/2016/11/28/first-teleconference-calls-invoice-factoring/');
    expect(first?.source.dataset).toBe('common-crawl');
    expect(first?.source.dump).toBe('CC-MAIN-2020-16');
    expect(first?.lang).toBe('en');
  });

  test('whirlwind WET has one conversion record', async () => {
    const { records, stats } = await readAll([wetPath]);
    expect(stats).toMatchObject({ items: 1, records: 1, filesFailed: 0 });
    const record = records[0];
    expect(record?.id).toBe('urn:uuid:ba729a40-ff84-4085-8d48-0a5b2ee0c42d');
    expect(record?.source.uri).toBe('https://an.wikipedia.org/wiki/Escopete');
    expect(record?.source.fetchTime).toBe('2024-05-18T01:58:10Z');
    expect(record?.source.dump).toBe('CC-MAIN-2024-22');
    expect(record?.source.dataset).toBe('CC-MAIN-2024-22');
    // The header value is `spa`, which is mapped to the ISO 639-1 code.
    expect(record?.lang).toBe('es');
    expect(Buffer.byteLength(record?.text ?? '')).toBe(4456);
    expect(record?.text.startsWith('Escopete - Biquipedia')).toBe(true);
    expect(record?.meta['WARC-Refers-To']).toBe('<urn:uuid:2aabeff2-67f5-4608-8466-e87c6296e2b6>');
  });

  test('WARC file yields its HTML response', async () => {
    const { records, stats } = await readAll([warcPath, c4Path]);
    expect(stats).toMatchObject({ files: 2, filesFailed: 0, records: 301 });
    expect(records[0]?.meta.content_format).toBe('html');
  });

  test('truncated gzip keeps records before the break', async () => {
    const full = await readAll([dolmaGzPath]);
    const bytes = await readFile(dolmaGzPath);
    const cut = join(dir, 'cut.jsonl.gz');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));

    const { items, records, stats, logs } = await readAll([cut, c4Path]);
    const fromCut = records.filter((record) => record.source.dataset === 'test_gz');
    expect(fromCut.length).toBeGreaterThan(100);
    expect(fromCut.length).toBeLessThan(670);
    expect(fromCut.map((record) => record.id)).toEqual(full.records.slice(0, fromCut.length).map((record) => record.id));
    expect(stats).toMatchObject({ files: 2, filesFailed: 1 });
    expect(records.length - fromCut.length).toBe(300);

    const error = logs.find((entry) => entry.level === ERROR_LEVEL);
    expect(error?.path).toBe(cut);
    expect(error?.msg).toContain('gzip data in');
    expect(error?.msg).toContain('truncated or corrupt');
    for (const item of items) {
      if (item.kind === 'dead') expect(item.letter.error).toContain('is incomplete');
    }
  });

  test('stopping early closes the file', async () => {
    const reader = new InputReader([dolmaGzPath, c4Path], {}, captureLogger().log);
    const items = reader.items();
    const first = await items.next();
    expect(first.done).toBe(false);
    const end = await items.return(undefined);
    expect(end.done).toBe(true);
    expect(reader.stats.items).toBe(1);
  });

  test('concatenated gzip members are all read', async () => {
    const bytes = await readFile(c4Path);
    const middle = bytes.indexOf(0x0a, Math.floor(bytes.length / 2)) + 1;
    const path = join(dir, 'members.jsonl.gz');
    await writeFile(path, Buffer.concat([gzipSync(bytes.subarray(0, middle)), gzipSync(bytes.subarray(middle))]));
    const { stats } = await readAll([path]);
    expect(stats).toMatchObject({ records: 300, filesFailed: 0 });
  });

  describe.skipIf(!zstdAvailable)('zstd', () => {
    let zstPath: string;
    let plainTexts: string[];

    beforeAll(async () => {
      zstPath = join(dir, 'c4_demo.jsonl.zst');
      execFileSync('zstd', ['-q', '-f', c4Path, '-o', zstPath]);
      plainTexts = (await readAll([c4Path])).records.map((record) => record.text);
    });

    test('zstd file has the same records', async () => {
      const { records, stats } = await readAll([zstPath]);
      expect(stats).toMatchObject({ records: 300, filesFailed: 0 });
      expect(records.map((record) => record.text)).toEqual(plainTexts);
      expect(records[0]?.source.dataset).toBe('c4_demo');
    });

    test('concatenated zstd frames are all read', async () => {
      const frame = await readFile(zstPath);
      const path = join(dir, 'twice.jsonl.zst');
      await writeFile(path, Buffer.concat([frame, frame]));
      const { records } = await readAll([path]);
      expect(records).toHaveLength(600);
    });

    test('truncated zstd keeps records before the break', async () => {
      const frame = await readFile(zstPath);
      const path = join(dir, 'cut.jsonl.zst');
      await writeFile(path, frame.subarray(0, Math.floor(frame.length / 2)));
      const { records, stats, logs } = await readAll([path]);
      expect(records.length).toBeGreaterThan(0);
      expect(records.length).toBeLessThan(300);
      expect(records.map((record) => record.text)).toEqual(plainTexts.slice(0, records.length));
      expect(stats.filesFailed).toBe(1);
      expect(logs.find((entry) => entry.level === ERROR_LEVEL)?.msg).toContain('zstd data in');
    });
  });

  test('data directory walk reads supported files in order', async () => {
    const { stats, logs } = await readAll([dataDir]);
    const started = logs.filter((entry) => entry.msg === 'reading input file').map((entry) => String(entry.path));
    const relative = started.map((path) => path.slice(dataDir.length + 1));
    expect(relative).toEqual([...relative].sort());
    expect(relative).toContain('web_en/whirlwind.warc.wet.gz');
    expect(relative.some((path) => path.endsWith('.txt') || path.endsWith('.md'))).toBe(false);
    // The .txt fixtures and SOURCES.md are skipped.
    expect(stats.filesFailed).toBe(0);
    expect(stats.filesSkipped).toBeGreaterThan(0);
  });
});

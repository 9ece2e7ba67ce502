import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJsonLines, runCli, runCliWithInput, sharedData, startCli } from './support/cli.js';
import { deleteTopics, readCommitted, uniquePrefix } from './support/kafka.js';

interface Row {
  id: string;
  source: { dataset: string };
}

interface Progress {
  sha256: string;
  path: string;
  state: string;
  records: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Returns a random whole number of milliseconds in [min, max). */
function randomMs(min: number, max: number): number {
  return Math.floor(min + Math.random() * (max - min));
}

async function linesOf(relativePath: string, from: number, to: number): Promise<Buffer> {
  const text = await readFile(join(sharedData, relativePath), 'utf8');
  return Buffer.from(text.split('\n').slice(from, to).join('\n') + '\n');
}

/** Writes a file under a temporary name, then renames it into place, as crawlers do. */
async function writeRenamed(path: string, bytes: Buffer, temporarySuffix: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path + temporarySuffix, bytes);
  await sleep(300);
  await rename(path + temporarySuffix, path);
}

/** Writes a file in place in `chunks` appends with `pauseMs` between them, as a writer that does not rename. */
async function writeSlowly(path: string, bytes: Buffer, chunks: number, pauseMs: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const size = Math.ceil(bytes.length / chunks);
  await writeFile(path, bytes.subarray(0, size));
  for (let start = size; start < bytes.length; start += size) {
    await sleep(pauseMs);
    await appendFile(path, bytes.subarray(start, start + size));
  }
}

async function idsOf(out: string, file = 'l0.jsonl'): Promise<string[]> {
  return parseJsonLines<Row>(await readFile(join(out, file), 'utf8')).map((row) => row.id);
}

describe('ingest --follow', () => {
  const prefix = uniquePrefix('follow');
  const stdinPrefix = uniquePrefix('stdin');
  afterAll(async () => {
    await deleteTopics(prefix);
    await deleteTopics(stdinPrefix);
  });

  it('ingests each complete file exactly once across SIGKILL restarts', async () => {
    const watched = await mkdtemp(join(tmpdir(), 'tiers-follow-'));
    const at = (name: string) => join(watched, name);
    const c4a = await linesOf('web_en/c4_demo.jsonl', 0, 60);
    const complete = {
      c4a: at('c4-a.jsonl'),
      c4b: at('c4-b.jsonl.gz'),
      c4c: at('sub/c4-c.jsonl'),
      c4d: at('c4-d.jsonl.gz'),
      zhA: at('zh/cleared-a.jsonl'),
      zhB: at('zh/cleared-b.jsonl.gz'),
      wet: at('wet/whirlwind.warc.wet.gz'),
    };
    const truncated = at('broken.jsonl.gz');
    const copy = at('copy-of-c4-a.jsonl');
    const gzipC4Start = gzipSync(await linesOf('web_en/c4_demo.jsonl', 0, 100));

    const writer = (async () => {
      await writeRenamed(complete.c4a, c4a, '.tmp');
      await writeSlowly(complete.c4b, gzipSync(await linesOf('web_en/c4_demo.jsonl', 60, 140)), 4, 1500);
      await writeSlowly(complete.c4c, await linesOf('web_en/c4_demo.jsonl', 140, 220), 5, 300);
      await writeFile(truncated, gzipC4Start.subarray(0, Math.floor(gzipC4Start.length * 0.6)));
      await writeRenamed(complete.c4d, gzipSync(await linesOf('web_en/c4_demo.jsonl', 220, 300)), '.part');
      await writeRenamed(complete.zhA, await linesOf('web_zh/cleared1.jsonl', 0, 50), '.crdownload');
      await writeSlowly(complete.zhB, gzipSync(await linesOf('web_zh/cleared1.jsonl', 50, 100)), 3, 1200);
      await writeRenamed(complete.wet, await readFile(join(sharedData, 'web_en/whirlwind.warc.wet.gz')), '.partial');
      await writeRenamed(copy, c4a, '.tmp');
      // Never renamed into place, so never complete.
      await writeFile(at('pending.jsonl.tmp'), c4a);
      await writeFile(at('.hidden.jsonl'), c4a);
    })();

    // Two items per transaction makes many commits, so a kill often lands inside a file.
    const args = ['ingest', '--follow', watched, '--prefix', prefix, '--stable-seconds', '1', '--poll-seconds', '0.2', '--batch-size', '2', '--metrics-port', '0'];
    const kills: number[] = [];
    let ingester = startCli(args);
    for (let round = 0; round < 2; round++) {
      const delay = randomMs(1200, 4000);
      kills.push(delay);
      await sleep(delay);
      expect(ingester.exitCode, `ingester exited before the kill: ${ingester.stderrText().slice(-2000)}`).toBeNull();
      const exited = new Promise((resolve) => ingester.once('exit', resolve));
      ingester.kill('SIGKILL');
      await exited;
      ingester = startCli(args);
    }
    await writer;

    const expectedHashes = new Map<string, string>();
    for (const path of [...Object.values(complete), truncated]) expectedHashes.set(sha256(await readFile(path)), path);
    const deadline = Date.now() + 90_000;
    let finished = new Map<string, Progress>();
    while (Date.now() < deadline) {
      const entries = (await readCommitted(`${prefix}.ingest-progress`, 30_000)).map((m) => JSON.parse(m.value.toString('utf8')) as Progress);
      finished = new Map(entries.map((entry) => [entry.sha256, entry]));
      const pending = [...expectedHashes.keys()].filter((hash) => !['done', 'broken'].includes(finished.get(hash)?.state ?? ''));
      if (pending.length === 0) break;
      await sleep(1000);
    }
    const exitCode =
      ingester.exitCode ??
      (await new Promise<number | null>((resolve) => {
        ingester.once('exit', resolve);
        ingester.kill('SIGTERM');
      }));
    const log = ingester.stderrText();
    expect(exitCode, log.slice(-3000)).toBe(0);

    const context = `kill delays ${kills.join(', ')} ms`;
    for (const [hash, path] of expectedHashes) {
      const expectedState = path === truncated ? 'broken' : 'done';
      expect(finished.get(hash)?.state, `${path}; ${context}`).toBe(expectedState);
    }
    expect(finished.size, `progress of the copy reuses its original's key; ${context}`).toBe(expectedHashes.size);

    const direct = await mkdtemp(join(tmpdir(), 'tiers-follow-direct-'));
    const run = await runCli(['run', ...Object.values(complete), truncated, '--out', direct]);
    expect(run.code, run.stderr.slice(-2000)).toBe(3);
    const expectedIds = await idsOf(direct);

    const truncatedOnly = await mkdtemp(join(tmpdir(), 'tiers-follow-truncated-'));
    await runCli(['run', truncated, '--out', truncatedOnly]);
    const truncatedIds = await idsOf(truncatedOnly);

    const copyOnly = await mkdtemp(join(tmpdir(), 'tiers-follow-copy-'));
    await runCli(['run', copy, '--out', copyOnly]);
    const copyIds = await idsOf(copyOnly);

    const tap = await runCli(['tap', 'l0', '--prefix', prefix, '--from-beginning', '--idle-exit', '8']);
    expect(tap.code, tap.stderr.slice(-2000)).toBe(0);
    const l0Ids = parseJsonLines<Row>(tap.stdout).map((row) => row.id);

    expect(expectedIds.length).toBeGreaterThan(350);
    expect(truncatedIds.length).toBeGreaterThan(0);
    expect(copyIds.length).toBe(60);
    expect(l0Ids.length - new Set(l0Ids).size, `duplicate ids; ${context}`).toBe(0);
    expect([...l0Ids].sort(), context).toEqual([...expectedIds].sort());
    const inL0 = new Set(l0Ids);
    expect(truncatedIds.filter((id) => !inL0.has(id)), context).toEqual([]);
    expect(copyIds.filter((id) => inL0.has(id)), context).toEqual([]);
  });

  it('ingest - publishes JSON lines from standard input', async () => {
    const lines = [
      JSON.stringify({ id: 'doc-1', text: 'The first document from the pipe has enough words in it.' }),
      JSON.stringify({ text: 'The second document has no id field of its own.' }),
      '{"text": "not valid JSON',
    ];
    const result = await runCliWithInput(['ingest', '-', '--prefix', stdinPrefix], lines.join('\n') + '\n');
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ read: 3, promoted: 2, dlq: 1 });

    const tap = await runCli(['tap', 'l0', '--prefix', stdinPrefix, '--from-beginning', '--max', '2', '--idle-exit', '10']);
    const rows = parseJsonLines<Row>(tap.stdout);
    const secondText = 'The second document has no id field of its own.';
    const hashedId = createHash('sha256').update(`stdin:2:${secondText}`).digest('hex').slice(0, 32);
    expect(rows.map((row) => row.id).sort()).toEqual(['doc-1', hashedId].sort());
    expect(rows.map((row) => row.source.dataset)).toEqual(['stdin', 'stdin']);
  });
});

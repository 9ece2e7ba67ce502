import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { captureLogger } from '../io/testing.js';
import { PathFilter } from './patterns.js';
import { FolderScanner } from './scanner.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tiers-follow-scan-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function scanner(filter = new PathFilter()) {
  return new FolderScanner([dir], filter, false, captureLogger().log);
}

const line = JSON.stringify({ text: 'hello world' }) + '\n';

describe('FolderScanner', () => {
  test('leaves out temporary and hidden names', async () => {
    await writeFile(join(dir, 'a.jsonl.tmp'), line);
    await writeFile(join(dir, 'b.jsonl.part'), line);
    await writeFile(join(dir, '.c.jsonl'), line);
    await writeFile(join(dir, 'd.jsonl'), line);
    const found = await scanner().scan(Date.now());
    expect(found.map((f) => f.relativePath)).toEqual(['d.jsonl']);
  });

  test('walks subfolders and applies globs', async () => {
    await mkdir(join(dir, 'en', '2024'), { recursive: true });
    await writeFile(join(dir, 'en', '2024', 'a.jsonl'), line);
    await writeFile(join(dir, 'en', 'skip-me.jsonl'), line);
    await writeFile(join(dir, 'b.wet'), 'WARC/1.0\r\n');
    const found = await scanner(new PathFilter(['en/**'], ['skip-*'])).scan(Date.now());
    expect(found.map((f) => f.relativePath)).toEqual(['en/2024/a.jsonl']);
  });

  test('file renamed from a temporary name is marked renamed in', async () => {
    const watcher = scanner();
    await writeFile(join(dir, 'a.jsonl.tmp'), line);
    await writeFile(join(dir, 'other.jsonl'), line);
    await watcher.scan(Date.now());
    await rename(join(dir, 'a.jsonl.tmp'), join(dir, 'a.jsonl'));
    const found = await watcher.scan(Date.now());
    const byName = Object.fromEntries(found.map((f) => [f.relativePath, f.state.renamedIn]));
    expect(byName).toEqual({ 'a.jsonl': true, 'other.jsonl': false });
  });

  test('handled files are not returned again until they change', async () => {
    const watcher = scanner();
    await writeFile(join(dir, 'a.jsonl'), line);
    const [first] = await watcher.scan(Date.now());
    first!.state.handled = true;
    expect(await watcher.scan(Date.now())).toEqual([]);
    await writeFile(join(dir, 'a.jsonl'), line + line);
    expect((await watcher.scan(Date.now())).map((f) => f.relativePath)).toEqual(['a.jsonl']);
  });

  test('missing folder yields nothing until it exists', async () => {
    const missing = join(dir, 'later');
    const watcher = new FolderScanner([missing], new PathFilter(), false, captureLogger().log);
    expect(await watcher.scan(Date.now())).toEqual([]);
    await mkdir(missing);
    await writeFile(join(missing, 'a.jsonl'), line);
    expect((await watcher.scan(Date.now())).map((f) => f.relativePath)).toEqual(['a.jsonl']);
  });
});

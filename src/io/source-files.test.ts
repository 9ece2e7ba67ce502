import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ReadItem } from './read-inputs.js';
import { readAll, itemOfKind } from './testing.js';

let base: string;
let project: string;

const FILES: Record<string, string | Buffer> = {
  'src/main.py': "print('hello')\n",
  'src/util.ts': 'export const answer = 42;\n',
  'lib/blob.c': Buffer.from([0x69, 0x6e, 0x74, 0x00, 0x01]),
  'empty.go': '',
  'latin1.rb': Buffer.from([0x70, 0x75, 0x74, 0x73, 0x20, 0x22, 0xe9, 0x22, 0x0a]),
  'data/docs.jsonl': '{"text":"doc one"}\n{"text":"doc two"}\n',
  'README.md': '# Project\n',
  'img.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
  'package.json': '{\n  "name": "project"\n}\n',
  '.env': 'SECRET=1\n',
  '.git/config': '[core]\n',
  '.hidden/skipped.py': 'x = 1\n',
  'node_modules/dep/index.js': 'module.exports = 1;\n',
};

function sha32(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}

function describeItem(item: ReadItem): string {
  if (item.kind === 'dead') return `dead ${basename(item.letter.origin)}`;
  const where = String(item.record.meta.path ?? item.record.source.dataset);
  return item.kind === 'reject' ? `reject ${item.rule} ${where}` : `record ${where}`;
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'tiers-source-'));
  project = join(base, 'project');
  for (const [relativePath, content] of Object.entries(FILES)) {
    const path = join(project, relativePath);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
  await symlink(join(project, 'src', 'main.py'), join(project, 'link.py'));
  await symlink(project, join(project, 'src', 'loop'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('source directory', () => {
  test('walks in sorted order with each outcome', async () => {
    const { items } = await readAll([project]);
    expect(items.map(describeItem)).toEqual([
      'record docs',
      'record docs',
      'reject ingest_empty_text empty.go',
      'dead latin1.rb',
      'reject ingest_binary_file lib/blob.c',
      'record src/main.py',
      'record src/util.ts',
    ]);
  });

  test('counts read and skipped files', async () => {
    const { stats, logs } = await readAll([project]);
    // Skipped: .env, README.md, img.png, link.py (a symbolic link), package.json (not JSON lines),
    // and src/loop (a symbolic link to a folder).
    expect(stats).toMatchObject({ files: 6, filesFailed: 0, filesSkipped: 6, records: 4, rejects: 2, dead: 1 });
    const summary = logs.find((entry) => entry.msg === 'finished input directory');
    expect(summary?.filesSkipped).toBe(6);
    const skippedPaths = logs.filter((entry) => entry.msg === 'skipping input entry').map((entry) => entry.path);
    expect(skippedPaths).toContain(join(project, 'package.json'));
    expect(skippedPaths).toContain(join(project, 'node_modules'));
  });

  test('source record fields', async () => {
    const { records } = await readAll([project]);
    const main = records.find((record) => record.meta.path === 'src/main.py');
    expect(main?.domain).toBe('code');
    expect(main?.lang).toBeNull();
    expect(main?.meta).toEqual({ path: 'src/main.py', language: 'python' });
    expect(main?.id).toBe(sha32("src/main.py:print('hello')\n"));
    expect(main?.source.dataset).toBe('project');
    const util = records.find((record) => record.meta.path === 'src/util.ts');
    expect(util?.meta.language).toBe('typescript');
  });

  test('binary file reject names the NUL offset', async () => {
    const { items } = await readAll([project]);
    const binary = items.find((item) => item.kind === 'reject' && item.rule === 'ingest_binary_file');
    expect(itemOfKind(binary, 'reject').value).toBe(3);
    expect(itemOfKind(binary, 'reject').reason).toContain('NUL byte at offset 3');
  });

  test('ids do not depend on where the folder is', async () => {
    const copy = join(base, 'elsewhere', 'project');
    await cp(project, copy, { recursive: true, verbatimSymlinks: true });
    const first = await readAll([project]);
    const second = await readAll([copy]);
    expect(second.records.map((record) => record.id)).toEqual(first.records.map((record) => record.id));
  });

  test('followSymlinks reads linked files and stops at cycles', async () => {
    const { records, stats, logs } = await readAll([project], { followSymlinks: true, dataset: 'code-set' });
    const paths = records.map((record) => String(record.meta.path ?? ''));
    expect(paths).toContain('link.py');
    expect(paths.filter((path) => path.startsWith('src/loop'))).toEqual([]);
    expect(records.every((record) => record.source.dataset === 'code-set')).toBe(true);
    // .env, README.md, img.png and package.json; the loop is a folder, which is not counted.
    expect(stats.filesSkipped).toBe(4);
    const cycle = logs.find((entry) => entry.path === join(project, 'src', 'loop'));
    expect(cycle?.reason).toBe('link to a folder already walked');
  });

  test('oversized source file is rejected', async () => {
    const { items } = await readAll([join(project, 'src', 'util.ts')], { maxTextBytes: 10 });
    const item = items[0];
    expect(itemOfKind(item, 'reject').rule).toBe('ingest_text_too_large');
    expect(itemOfKind(item, 'reject').value).toBe(26);
  });

  test('explicit source file uses its folder name', async () => {
    const { records } = await readAll([join(project, 'src', 'main.py')]);
    expect(records[0]?.meta.path).toBe('main.py');
    expect(records[0]?.source.dataset).toBe('src');
  });

  test('explicit JSON document is read as JSON lines', async () => {
    // A named file is read in the format of its extension; only directory walks sniff .json files.
    const { items } = await readAll([join(project, 'package.json')]);
    expect(items.map((item) => item.kind)).toEqual(['dead', 'dead', 'dead']);
  });
});

import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { detectFormat, type DetectedFormat } from './formats.js';

export type WalkEntry =
  | {
      kind: 'file';
      path: string;
      /** Path relative to the walked root, with `/` separators on every platform. */
      relativePath: string;
      detected: DetectedFormat;
    }
  /** A file or folder left out; `isDirectory` folders are not counted as skipped files. */
  | { kind: 'skipped'; path: string; reason: string; isDirectory: boolean }
  | { kind: 'failed'; path: string; error: unknown };

/** Folders of installed dependencies rather than a project's own files. */
const SKIPPED_DIRECTORIES = new Set(['node_modules']);

/** Bytes read from a `.json` file to tell JSON lines from a single JSON document. */
const JSON_SNIFF_BYTES = 64 * 1024;

/**
 * Walks a directory depth-first with entries in code-unit order of their names, so the order
 * does not change between runs or platforms. Hidden entries (names starting with `.`, which includes `.git`) and
 * `node_modules` are left out, and so are symbolic links unless `followSymlinks` is set.
 * Followed links that lead back into a folder already walked are skipped, so cycles end.
 */
export async function* walkDirectory(root: string, followSymlinks: boolean): AsyncGenerator<WalkEntry> {
  const visited = new Set<string>([await realpath(root)]);
  yield* walkFolder(root, root, followSymlinks, visited);
}

async function* walkFolder(
  folder: string,
  root: string,
  followSymlinks: boolean,
  visited: Set<string>,
): AsyncGenerator<WalkEntry> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (err) {
    yield { kind: 'failed', path: folder, error: err };
    return;
  }
  entries.sort((a, b) => compareCodeUnits(a.name, b.name));

  for (const entry of entries) {
    const path = join(folder, entry.name);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();

    if (entry.isSymbolicLink()) {
      if (!followSymlinks) {
        yield { kind: 'skipped', path, reason: 'symbolic link (followSymlinks is off)', isDirectory: false };
        continue;
      }
      try {
        const target = await stat(path);
        isDirectory = target.isDirectory();
        isFile = target.isFile();
      } catch {
        yield { kind: 'skipped', path, reason: 'symbolic link to a missing target', isDirectory: false };
        continue;
      }
    }

    if (entry.name.startsWith('.')) {
      yield { kind: 'skipped', path, reason: 'hidden', isDirectory };
      continue;
    }

    if (isDirectory) {
      if (SKIPPED_DIRECTORIES.has(entry.name)) {
        yield { kind: 'skipped', path, reason: 'dependency folder', isDirectory: true };
        continue;
      }
      let real: string;
      try {
        real = await realpath(path);
      } catch (err) {
        yield { kind: 'failed', path, error: err };
        continue;
      }
      if (visited.has(real)) {
        yield { kind: 'skipped', path, reason: 'link to a folder already walked', isDirectory: true };
        continue;
      }
      visited.add(real);
      yield* walkFolder(path, root, followSymlinks, visited);
      continue;
    }

    if (!isFile) {
      yield { kind: 'skipped', path, reason: 'not a regular file', isDirectory: false };
      continue;
    }

    const detected = detectFormat(entry.name);
    if (detected === null) {
      yield { kind: 'skipped', path, reason: 'unsupported file type', isDirectory: false };
      continue;
    }
    if (detected.format === 'jsonl' && detected.suffix.toLowerCase() === '.json' && !(await looksLikeJsonLines(path))) {
      yield { kind: 'skipped', path, reason: 'JSON document rather than JSON lines', isDirectory: false };
      continue;
    }

    const relativePath = relative(root, path).split(sep).join('/');
    yield { kind: 'file', path, relativePath, detected };
  }
}

/** Orders strings by UTF-16 code units, unlike localeCompare, so the order is the same in every locale. */
function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/**
 * True when the first line of the file is a complete JSON object. Walked folders often contain
 * configuration such as package.json, which is one object spread over many lines. Read as JSON
 * lines, each of its lines would become a dead letter. A first line longer than the sniff
 * window is assumed to be JSON lines, and so is a file that cannot be opened, so that the reader
 * reports the error.
 */
async function looksLikeJsonLines(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    // The JSON-lines reader reports why the file cannot be opened.
    return true;
  }
  try {
    const buffer = Buffer.alloc(JSON_SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, JSON_SNIFF_BYTES, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8');
    const lines = head.split('\n');
    const firstIndex = lines.findIndex((line) => line.trim() !== '');
    if (firstIndex === -1) return bytesRead === JSON_SNIFF_BYTES;
    if (firstIndex === lines.length - 1 && bytesRead === JSON_SNIFF_BYTES) return true;
    const firstLine = (lines[firstIndex] ?? '').trim();
    if (!firstLine.startsWith('{')) return false;
    JSON.parse(firstLine);
    return true;
  } catch {
    return false;
  } finally {
    await handle.close();
  }
}

import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { SUPPORTED_FORMATS_TEXT, detectFormat, stripFormatSuffix, type DetectedFormat } from './formats.js';
import { readJsonLines } from './jsonl-reader.js';
import { readSourceFile } from './source-reader.js';
import type { InputFile, ReadItem, ReadOptions, ReadStats, ResolvedReadOptions } from './types.js';
import { walkDirectory } from './walk.js';
import { readWarc } from './warc-reader.js';
import { readWet } from './wet-reader.js';

export type { ReadItem, ReadOptions, ReadStats } from './types.js';

const DEFAULT_TEXT_FIELDS = ['text', 'raw_content', 'content'];
const DEFAULT_MAX_TEXT_BYTES = 4 * 1024 * 1024;

const readOptionsSchema = z
  .object({
    dataset: z.string().min(1).optional(),
    domain: z.string().min(1).optional(),
    textFields: z.array(z.string().min(1)).min(1).optional(),
    maxTextBytes: z.number().int().positive().optional(),
    maxLineBytes: z.number().int().positive().optional(),
    followSymlinks: z.boolean().optional(),
  })
  .strict();

/** Validates read options and fills in defaults; throws ConfigError naming the invalid option. */
export function resolveReadOptions(options: ReadOptions): ResolvedReadOptions {
  const parsed = readOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
    throw new ConfigError(`invalid read options: ${problems.join('; ')}`, { options });
  }
  const value = parsed.data;
  const maxTextBytes = value.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES;
  return {
    dataset: value.dataset ?? null,
    domain: value.domain ?? 'web',
    textFields: value.textFields ?? DEFAULT_TEXT_FIELDS,
    maxTextBytes,
    maxLineBytes: value.maxLineBytes ?? 4 * maxTextBytes + 1024 * 1024,
    followSymlinks: value.followSymlinks ?? false,
  };
}

/** Relative path and default dataset of a source file. */
interface CodeRoot {
  relativePath: string;
  dataset: string;
}

/**
 * Reads input files and directories into L0 items, in the order the paths are given, with
 * directories walked in sorted order, so repeated runs yield the same sequence. A file that
 * fails (missing, unsupported, truncated) is logged and counted, and reading goes on with the
 * next one. The items a file produced before its failure are kept. `stats` is complete once
 * the generator returned by `items()` has finished.
 */
export class InputReader {
  readonly stats: ReadStats = { files: 0, filesFailed: 0, failedFiles: [], filesSkipped: 0, items: 0, records: 0, rejects: 0, dead: 0 };
  readonly options: ResolvedReadOptions;

  constructor(
    private readonly paths: string[],
    options: ReadOptions,
    private readonly log: Logger,
  ) {
    this.options = resolveReadOptions(options);
  }

  /** Yields every item of every input; call once per reader. */
  async *items(): AsyncGenerator<ReadItem> {
    for (const path of this.paths) yield* this.readPath(path);
  }

  private async *readPath(path: string): AsyncGenerator<ReadItem> {
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const message = code === 'ENOENT' ? `input ${path} does not exist` : `cannot read input ${path}: ${errorMessage(err)}`;
      this.stats.files += 1;
      this.failFile(path, message, err);
      return;
    }

    if (info.isDirectory()) {
      yield* this.readDirectory(path);
      return;
    }

    this.stats.files += 1;
    if (!info.isFile()) {
      this.failFile(path, `input ${path} is not a regular file or directory`);
      return;
    }
    const detected = detectFormat(basename(path));
    if (detected === null) {
      this.failFile(path, `input ${path} has an unsupported file type; supported formats are ${SUPPORTED_FORMATS_TEXT}`);
      return;
    }
    const folder = dirname(resolve(path));
    yield* this.readFile(path, detected, { relativePath: basename(path), dataset: basename(folder) });
  }

  private async *readDirectory(root: string): AsyncGenerator<ReadItem> {
    const dataset = basename(resolve(root));
    let skippedFiles = 0;
    this.log.info({ path: root }, 'walking input directory');

    try {
      for await (const entry of walkDirectory(root, this.options.followSymlinks)) {
        if (entry.kind === 'skipped') {
          if (!entry.isDirectory) {
            skippedFiles += 1;
            this.stats.filesSkipped += 1;
          }
          this.log.debug({ path: entry.path, reason: entry.reason }, 'skipping input entry');
          continue;
        }
        if (entry.kind === 'failed') {
          this.stats.files += 1;
          this.failFile(entry.path, `cannot read ${entry.path}: ${errorMessage(entry.error)}`, entry.error);
          continue;
        }
        this.stats.files += 1;
        yield* this.readFile(entry.path, entry.detected, { relativePath: entry.relativePath, dataset });
      }
    } catch (err) {
      // Per-entry errors are reported as entries; this is the walk itself failing, such as the
      // root vanishing after it was checked.
      this.failFile(root, `cannot walk input directory ${root}: ${errorMessage(err)}`, err);
    }

    this.log.info({ path: root, filesSkipped: skippedFiles }, 'finished input directory');
  }

  /** Reads one file; the caller has already counted it in stats.files. */
  private async *readFile(path: string, detected: DetectedFormat, codeRoot: CodeRoot): AsyncGenerator<ReadItem> {
    const counts = { records: 0, rejects: 0, dead: 0 };
    this.log.info({ path, format: detected.format, compression: detected.compression }, 'reading input file');
    try {
      for await (const item of this.itemsOf(path, detected, codeRoot)) {
        this.stats.items += 1;
        if (item.kind === 'record') {
          counts.records += 1;
          this.stats.records += 1;
        } else if (item.kind === 'reject') {
          counts.rejects += 1;
          this.stats.rejects += 1;
        } else {
          counts.dead += 1;
          this.stats.dead += 1;
        }
        yield item;
      }
    } catch (err) {
      const itemsKept = counts.records + counts.rejects + counts.dead;
      const detail = errorMessage(err);
      const failure = detail.includes(path) ? detail : `failed to read ${path}: ${detail}`;
      this.failFile(path, `${failure}; kept the ${itemsKept} items read before the error`, err, counts);
      return;
    }
    this.log.info({ path, ...counts }, 'finished input file');
  }

  private itemsOf(path: string, detected: DetectedFormat, codeRoot: CodeRoot): AsyncGenerator<ReadItem> {
    const fileName = basename(path);
    const file: InputFile = {
      path,
      fileName,
      stem: stripFormatSuffix(fileName, detected),
      compression: detected.compression,
    };
    switch (detected.format) {
      case 'jsonl':
        return readJsonLines(file, this.options);
      case 'wet':
        return readWet(file, this.options, this.log);
      case 'source':
        return this.readSource(path, detected.language ?? 'unknown', codeRoot);
      case 'warc':
        return readWarc(file, this.options, this.log);
    }
  }

  private async *readSource(path: string, language: string, codeRoot: CodeRoot): AsyncGenerator<ReadItem> {
    const dataset = this.options.dataset ?? codeRoot.dataset;
    yield await readSourceFile({ path, relativePath: codeRoot.relativePath, language, dataset }, this.options);
  }

  private failFile(path: string, message: string, cause?: unknown, counts?: Record<string, number>): void {
    this.stats.filesFailed += 1;
    this.stats.failedFiles.push(path);
    // The message names the file and the problem; a stack trace would add nothing for the user.
    const detail = cause === undefined ? undefined : errorMessage(cause);
    this.log.error({ path, code: 'TIERS_INPUT_UNREADABLE', cause: detail, ...counts }, message);
  }
}

/** Reads inputs into L0 items; use `new InputReader(...)` instead to read the stats afterwards. */
export function readInputs(paths: string[], options: ReadOptions, log: Logger): AsyncGenerator<ReadItem> {
  return new InputReader(paths, options, log).items();
}

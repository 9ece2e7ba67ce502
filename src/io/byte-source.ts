import { createReadStream } from 'node:fs';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import { Decompress } from 'fzstd';
import { EngineError, errorMessage } from '../core/errors.js';
import type { Compression } from './formats.js';

const READ_CHUNK_BYTES = 64 * 1024;

/**
 * Streams the decompressed bytes of a file in chunks, so memory use does not grow with file size.
 * Gzip input may contain several concatenated members (as Common Crawl files do); all are read.
 * Throws an EngineError with code TIERS_INPUT_UNREADABLE when the compressed data is truncated
 * or corrupt, after yielding every byte decoded before the break.
 */
export function readFileBytes(path: string, compression: Compression): AsyncGenerator<Buffer> {
  switch (compression) {
    case 'none':
      return readPlain(path);
    case 'gzip':
      return readGzip(path);
    case 'zstd':
      return readZstd(path);
  }
}

async function* readPlain(path: string): AsyncGenerator<Buffer> {
  const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  try {
    for await (const chunk of file) yield chunk as Buffer;
  } finally {
    file.destroy();
  }
}

async function* readGzip(path: string): AsyncGenerator<Buffer> {
  const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  // autoDestroy off: a destroyed stream drops the decoded bytes it still buffers, and on
  // Node 22 a slow reader of a truncated file lost its last records that way. The loop below
  // drains the buffer first and reports the error after it.
  const gunzip = createGunzip({ chunkSize: READ_CHUNK_BYTES, autoDestroy: false } as ZlibOptions);
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const fail = (err: unknown) => {
    failure ??= err;
    notify();
  };
  gunzip.on('error', fail).on('readable', notify).on('end', notify);
  file.on('error', fail);
  file.pipe(gunzip);
  try {
    for (;;) {
      const chunk = gunzip.read() as Buffer | null;
      if (chunk !== null) {
        yield chunk;
        continue;
      }
      if (failure !== undefined || gunzip.readableEnded) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (failure !== undefined) throw decompressionError(path, 'gzip', failure);
  } finally {
    file.destroy();
    gunzip.destroy();
  }
}

async function* readZstd(path: string): AsyncGenerator<Buffer> {
  const file = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  const decoded: Buffer[] = [];
  // fzstd calls back synchronously inside push(); the output is copied because the
  // library may reuse its window memory for later blocks.
  const decoder = new Decompress((data) => {
    if (data.length > 0) decoded.push(Buffer.from(data));
  });
  try {
    for await (const chunk of file) {
      pushZstd(decoder, chunk as Buffer, false, path);
      yield* drain(decoded);
    }
    pushZstd(decoder, new Uint8Array(0), true, path);
    yield* drain(decoded);
  } finally {
    file.destroy();
  }
}

function pushZstd(decoder: Decompress, chunk: Uint8Array, final: boolean, path: string): void {
  try {
    decoder.push(chunk, final);
  } catch (err) {
    throw decompressionError(path, 'zstd', err);
  }
}

function* drain(chunks: Buffer[]): Generator<Buffer> {
  const ready = chunks.splice(0, chunks.length);
  for (const chunk of ready) yield chunk;
}

function decompressionError(path: string, kind: 'gzip' | 'zstd', err: unknown): unknown {
  // File system errors (ENOENT, EACCES) pass through unchanged; only codec errors are relabelled.
  const code = (err as { code?: unknown } | null)?.code;
  const isFsError = typeof code === 'string' && code.startsWith('E') && !code.startsWith('ERR_');
  if (isFsError) return err;
  return new EngineError('TIERS_INPUT_UNREADABLE', `${kind} data in ${path} is truncated or corrupt: ${errorMessage(err)}`, {
    cause: err,
    context: { path },
  });
}

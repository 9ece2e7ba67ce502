import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { errorMessage } from '../core/errors.js';
import { readFileBytes } from '../io/byte-source.js';
import type { Compression } from '../io/formats.js';
import type { ContentCheck } from './completeness.js';

/**
 * Reads a file to hash its bytes and, for gzip and zstd, to check that the compressed stream
 * ends cleanly, with the same decoder the readers use. File system errors are thrown.
 */
export async function checkContent(path: string, compression: Compression): Promise<ContentCheck> {
  const [hash, stream] = await Promise.all([hashFile(path), compression === 'none' ? null : decodeAll(path, compression)]);
  return { sha256: hash.sha256, size: hash.size, streamComplete: stream === null, error: stream };
}

/** SHA-256 (hex) and length in bytes of a file. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Decompresses the whole file and discards the output; returns the decoder's error, or null when the stream is whole. */
async function decodeAll(path: string, compression: Compression): Promise<string | null> {
  try {
    for await (const chunk of readFileBytes(path, compression)) void chunk;
    return null;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== 'TIERS_INPUT_UNREADABLE') throw err;
    return errorMessage(err);
  }
}

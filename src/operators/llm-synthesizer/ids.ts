import { createHash } from 'node:crypto';
import type { SynthesisTask } from './config.js';

/**
 * Id of a synthesized record: the first 32 hex digits (128 bits) of the SHA-256 of its
 * parent id, task, variant (style name or item number) and prompt version. It does not
 * depend on what the model wrote, so replaying the same parent under the same prompt
 * yields the same ids, and downstream consumers can replace earlier copies by id.
 */
export function synthesizedId(parentId: string, task: SynthesisTask, variant: string, promptVersion: string): string {
  return digest(['synthesized', parentId, task, variant, promptVersion]).toString('hex').slice(0, 32);
}

/**
 * Seed of one model request, from the configured base seed, the parent id and the request's
 * task and variant, so that sampling is reproducible per request (where the server honours
 * seeds) and differs between requests. A non-negative 31-bit integer.
 */
export function requestSeed(baseSeed: number, parentId: string, task: SynthesisTask, variant: string): number {
  return digest(['seed', String(baseSeed), parentId, task, variant]).readUInt32BE(0) & 0x7fffffff;
}

/** SHA-256 of the parts as a JSON array, so no choice of parts can collide with another. */
function digest(parts: string[]): Buffer {
  return createHash('sha256').update(JSON.stringify(parts)).digest();
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readFileBytes } from './byte-source.js';

/** About 250 KB of distinct lines, so the decoded output spans several 64 KiB chunks. */
const plain = Buffer.from(Array.from({ length: 4000 }, (_, i) => `{"id": ${i}, "text": "line ${i} ${'x'.repeat(40)}"}`).join('\n') + '\n');

async function readAll(path: string, delayMs: number): Promise<{ bytes: number; error: string | null }> {
  let bytes = 0;
  try {
    for await (const chunk of readFileBytes(path, 'gzip')) {
      bytes += chunk.length;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    return { bytes, error: null };
  } catch (err) {
    return { bytes, error: (err as Error).message };
  }
}

describe('readFileBytes gzip', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tiers-gzip-'));
  const whole = gzipSync(plain);

  it('reads concatenated members whole', async () => {
    const path = join(dir, 'members.gz');
    writeFileSync(path, Buffer.concat([whole, gzipSync(Buffer.from('last member\n'))]));
    expect(await readAll(path, 0)).toEqual({ bytes: plain.length + 'last member\n'.length, error: null });
  });

  it('yields the same bytes of a truncated file to fast and slow readers before the error', async () => {
    const path = join(dir, 'truncated.gz');
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const fast = await readAll(path, 0);
    const slow = await readAll(path, 20);
    expect(fast.error).toContain('truncated');
    expect(slow.error).toContain('truncated');
    expect(fast.bytes).toBeGreaterThan(plain.length / 3);
    expect(slow.bytes).toBe(fast.bytes);
  });
});

import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataFiles, runCli, sharedData } from './support/cli.js';

/** Drops every `time` field, which differs between runs, and returns the lines sorted. */
function comparable(jsonl: string): string[] {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'time').map(([key, inner]) => [key, strip(inner)]));
  };
  return jsonl
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.stringify(strip(JSON.parse(line))))
    .sort();
}

async function runWithWorkers(inputs: string[], workers: number): Promise<{ dir: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), `tiers-workers-${workers}-`));
  const run = await runCli(['run', ...inputs, '--out', dir, '--workers', String(workers)], { env: { TIERS_LOG_LEVEL: 'info' } });
  expect(run.code, run.stderr.slice(-2000)).toBe(0);
  return { dir, stderr: run.stderr };
}

describe('tiers run --workers', () => {
  it('writes the same records as the main thread', async () => {
    const inputs = dataFiles(sharedData);
    const main = await runWithWorkers(inputs, 0);
    const pooled = await runWithWorkers(inputs, 2);

    expect(pooled.stderr).toContain('operator worker started');
    for (const role of ['l0', 'l1', 'rejected', 'dlq']) {
      const expected = comparable(await readFile(join(main.dir, `${role}.jsonl`), 'utf8'));
      const actual = comparable(await readFile(join(pooled.dir, `${role}.jsonl`), 'utf8'));
      expect(actual.length, role).toBe(expected.length);
      expect(actual, role).toEqual(expected);
    }
    const l1 = await readFile(join(pooled.dir, 'l1.jsonl'), 'utf8');
    expect(l1.split('\n').filter(Boolean).length).toBeGreaterThan(100);
  });

  it.each(['-1', '1.5', 'many', '65'])('rejects --workers %s', async (value) => {
    const run = await runCli(['run', join(sharedData, 'web_en/c4_demo.jsonl'), '--out', join(tmpdir(), 'tiers-workers-invalid'), '--workers', value]);

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`--workers must be an integer from 0 to 64, got "${value}"`);
  });
});

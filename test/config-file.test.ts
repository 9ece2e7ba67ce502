import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

/** Runs `tiers run samples` with a config file holding `config`; no model endpoint is set. */
async function runWithConfig(config: unknown) {
  const dir = await mkdtemp(join(tmpdir(), 'tiers-config-'));
  const path = join(dir, 'config.json');
  await writeFile(path, JSON.stringify(config));
  return runCli(['run', 'samples', '--out', join(dir, 'out'), '--config', path], { env: { TIERS_LLM_URL: '' } });
}

describe('config file checks at start', () => {
  it('rejects an unknown operator option', async () => {
    const result = await runWithConfig({ operators: { 'exact-dedup': { scopee: 'global' } } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("exact-dedup has unknown option(s) 'scopee'");
  });

  it('rejects an unknown top-level key', async () => {
    const result = await runWithConfig({ operatorz: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unrecognized key(s) in object: 'operatorz'");
  });

  it('rejects model settings out of range without an endpoint', async () => {
    const result = await runWithConfig({ llm: { maxAttempts: 99 } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('maxAttempts');
  });
});

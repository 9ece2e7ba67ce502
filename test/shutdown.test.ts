import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRejectedRecord, decodeTierRecord } from '../src/codec/avro.js';
import { startCli } from './support/cli.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { committedTotal, deleteTopics, readCommitted, uniquePrefix, waitForGroupCaughtUp } from './support/kafka.js';
import { llmModel, llmUrl } from './support/llm.js';
import { prepareModelStage } from './support/model-stage.js';

/**
 * A stage stopped with SIGTERM while a batch waits on a model request that never returns must
 * give up after `--shutdown-timeout`, commit nothing of that batch, and leave the batch for the
 * next process, which writes each record's outcome once.
 */

// A long request timeout keeps the hung request open well past the shutdown timeout.
const CONFIG = {
  llm: { cacheDir: null, timeoutSeconds: 120, maxAttempts: 1 },
  operators: { 'llm-scorer': { threshold: 0, maxInputChars: 600 } },
};
const DOCUMENTS = 4;
const SHUTDOWN_TIMEOUT_SECONDS = 1;
/** Time the process may take after the deadline to abort and exit: the stop path waits up to 5 s for the abort. */
const EXIT_SLACK_MS = 6000;

describe('a stage stopped while a batch is in progress', () => {
  const prefix = uniquePrefix('shutdown');
  let proxy: FaultProxy;
  let dir: string;
  beforeAll(async () => {
    proxy = await startFaultProxy(llmUrl);
    dir = await mkdtemp(join(tmpdir(), 'tiers-shutdown-'));
  });
  afterAll(async () => {
    await proxy.close();
    await deleteTopics(prefix);
  });

  it('exits after the shutdown timeout', async () => {
    const { l1, configPath } = await prepareModelStage(prefix, dir, DOCUMENTS, CONFIG);
    expect(l1.length).toBeGreaterThan(0);

    // Every model request hangs, so the first batch cannot finish.
    proxy.inject(...Array.from({ length: DOCUMENTS }, () => ({ kind: 'hang' }) as const));
    const selectArgs = ['up', '--prefix', prefix, '--stage', 'select', '--metrics-port', '0', '--config', configPath, '--llm-url', proxy.url, '--llm-model', llmModel];
    const stuck = startCli([...selectArgs, '--shutdown-timeout', String(SHUTDOWN_TIMEOUT_SECONDS)], { TIERS_LLM_URL: '' });
    const deadline = Date.now() + 60_000;
    while (proxy.counts.chat === 0 && Date.now() < deadline) await sleep(100);
    expect(proxy.counts.chat).toBeGreaterThan(0);

    const stoppedAt = Date.now();
    stuck.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => stuck.once('exit', (exitCode) => resolve(exitCode)));
    const elapsed = Date.now() - stoppedAt;
    expect(code, stuck.stderrText().slice(-2000)).toBe(1);
    expect(elapsed).toBeLessThan(SHUTDOWN_TIMEOUT_SECONDS * 1000 + EXIT_SLACK_MS);
    expect(stuck.stderrText()).toContain('shutdown timed out');
    expect(await committedTotal(`${prefix}.select`, `${prefix}.l1`)).toBe(0);

    // The next process gets the whole batch again, and this time the model responds.
    proxy.clear();
    const select = startCli(selectArgs, { TIERS_LLM_URL: '' });
    try {
      await waitForGroupCaughtUp(`${prefix}.select`, `${prefix}.l1`, 600_000);
    } finally {
      select.kill('SIGTERM');
    }
    const l2 = (await readCommitted(`${prefix}.l2`, 60_000)).map((m) => decodeTierRecord(m.value).id);
    const rejected = (await readCommitted(`${prefix}.rejected`, 60_000)).map((m) => decodeRejectedRecord(m.value)).filter((r) => r.operator === 'llm-scorer');
    expect(new Set(l2).size).toBe(l2.length);
    expect([...l2, ...rejected.map((r) => r.record.id)].sort()).toEqual([...l1].sort());
  }, 900_000);
});

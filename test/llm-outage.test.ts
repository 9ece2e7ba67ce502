import { mkdtemp, writeFile } from 'node:fs/promises';
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
 * The first failure opens the circuit, so every record is held rather than rejected, and each
 * trial request after a pause uses up one injected fault.
 */
const CONFIG = {
  llm: { cacheDir: null, timeoutSeconds: 120, maxAttempts: 2, backoffSeconds: 0.1, maxBackoffSeconds: 0.2, breakerFailures: 1, breakerOpenSeconds: 1 },
  operators: { 'llm-scorer': { threshold: 0, maxInputChars: 600 } },
};
const DOCUMENTS = 4;
/** Failed requests before the endpoint responds again: the first one and three failed trials. */
const OUTAGE_FAULTS = 4;

describe('a model endpoint that goes down under a running stage', () => {
  const prefix = uniquePrefix('llm-outage');
  let proxy: FaultProxy;
  let dir: string;
  beforeAll(async () => {
    proxy = await startFaultProxy(llmUrl);
    dir = await mkdtemp(join(tmpdir(), 'tiers-llm-outage-'));
  });
  afterAll(async () => {
    await proxy.close();
    await deleteTopics(prefix);
  });

  it('holds records until the endpoint returns', async () => {
    const { l1, configPath } = await prepareModelStage(prefix, dir, DOCUMENTS, CONFIG);
    expect(l1.length).toBeGreaterThan(0);

    // Every model request fails until the queue of faults runs out: an outage.
    proxy.inject(...Array.from({ length: OUTAGE_FAULTS }, () => ({ kind: 'status', status: 503 }) as const));
    const select = startCli(
      ['up', '--prefix', prefix, '--stage', 'select', '--metrics-port', '0', '--config', configPath, '--llm-url', proxy.url, '--llm-model', llmModel],
      { TIERS_LLM_URL: '' },
    );
    try {
      // The circuit opens at the first failure. While it is open nothing reaches the endpoint,
      // the partition is paused and retried, and no offset is committed.
      const deadline = Date.now() + 60_000;
      while (!select.stderrText().includes('batch held by a retriable failure') && Date.now() < deadline) await sleep(200);
      expect(select.stderrText()).toContain('circuit opened');
      expect(select.stderrText()).toContain('batch held by a retriable failure');
      expect(await committedTotal(`${prefix}.select`, `${prefix}.l1`)).toBe(0);
      const callsWhileOpen = proxy.counts.chat;
      await sleep(1000);
      expect(proxy.counts.chat - callsWhileOpen).toBeLessThanOrEqual(1);

      await waitForGroupCaughtUp(`${prefix}.select`, `${prefix}.l1`, 600_000);
    } finally {
      select.kill('SIGTERM');
      await writeFile(join(tmpdir(), 'tiers-llm-outage-select.log'), select.stderrText());
    }
    const log = select.stderrText();
    expect(log).toContain('circuit closed');
    expect(log).toContain('resuming a held partition');

    const l2 = (await readCommitted(`${prefix}.l2`, 60_000)).map((m) => decodeTierRecord(m.value).id);
    const rejected = (await readCommitted(`${prefix}.rejected`, 60_000)).map((m) => decodeRejectedRecord(m.value)).filter((r) => r.operator === 'llm-scorer');
    // Threshold 0 keeps every scored record. None was rejected for the outage; the small model
    // may still return unusable output, which is a rejection of its own kind.
    expect(rejected.filter((r) => r.rule !== 'llm_output_invalid').map((r) => `${r.rule}: ${r.reason}`)).toEqual([]);
    expect(new Set(l2).size).toBe(l2.length);
    expect([...l2, ...rejected.map((r) => r.record.id)].sort()).toEqual([...l1].sort());
  }, 900_000);
});

import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, sharedData, startCli } from './support/cli.js';
import { deleteTopics, uniquePrefix, waitForGroupCaughtUp } from './support/kafka.js';
import { freePort, startPrometheus, type PrometheusServer } from './support/prometheus.js';

async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

describe('metrics scraped by Prometheus', () => {
  const prefix = uniquePrefix('metrics');
  let prometheus: PrometheusServer | undefined;
  afterAll(async () => {
    await prometheus?.stop();
    await deleteTopics(prefix);
  });

  it('shows promoted rates and balanced counters per operator', async () => {
    const metricsPort = await freePort();
    const up = startCli(['up', '--prefix', prefix, '--metrics-port', String(metricsPort)]);
    try {
      const base = `http://127.0.0.1:${metricsPort}`;
      await eventually('/healthz', 60_000, async () => ((await fetch(`${base}/healthz`).catch(() => null))?.ok ? true : undefined));
      prometheus = await startPrometheus([`127.0.0.1:${metricsPort}`]);
      // rate() needs two samples that differ, so the zeroed series must be scraped before any
      // record arrives; Prometheus discovers its targets a few seconds after it is ready.
      await eventually('a first scrape of the zeroed counters', 60_000, async () => {
        const rows = await prometheus!.query('sum by (stage) (tiers_records_promoted_total{job="tiers"})');
        return rows.length > 0 ? rows : undefined;
      });

      // Several ingests, each processed before the next starts, so the counters rise in steps.
      const input = join(sharedData, 'web_en/c4_demo.jsonl');
      for (let round = 0; round < 3; round++) {
        const ingest = await runCli(['ingest', input, '--prefix', prefix, '--dataset', `round-${round}`]);
        expect(ingest.code, ingest.stderr.slice(-2000)).toBe(0);
        await waitForGroupCaughtUp(`${prefix}.filter`, `${prefix}.l0`, 120_000);
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
      expect((await fetch(`${base}/readyz`)).status).toBe(200);

      const rates = await eventually('a positive promoted rate', 60_000, async () => {
        // The window spans the whole test, so the rate stays above zero however long ago the
        // last batch finished. A short window drops to zero once processing is done.
        const result = await prometheus!.query('sum by (stage) (rate(tiers_records_promoted_total{job="tiers"}[3m]))');
        return result.length > 0 && result.every((r) => Number(r.value[1]) > 0) ? result : undefined;
      });
      expect(rates.map((r) => r.metric.stage)).toEqual(['filter']);

      // Wait for a scrape taken after the last batch, then check conservation per operator.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const consumed = await prometheus!.query('sum by (operator) (tiers_records_consumed_total{job="tiers"})');
      const promoted = await prometheus!.query('sum by (operator) (tiers_records_promoted_total{job="tiers"})');
      const rejected = await prometheus!.query('sum by (operator) (tiers_records_rejected_total{job="tiers"})');
      const byOperator = (rows: typeof consumed) => Object.fromEntries(rows.map((r) => [r.metric.operator!, Number(r.value[1])]));
      const [c, p, r] = [byOperator(consumed), byOperator(promoted), byOperator(rejected)];
      expect(Object.keys(c).sort()).toEqual(['exact-dedup', 'heuristic-filter', 'html-extract', 'langid', 'minhash-dedup', 'normalize']);
      expect(c.normalize).toBe(900);
      for (const operator of Object.keys(c)) {
        expect(c[operator], operator).toBe(p[operator]! + r[operator]!);
      }
      // Every round reads the same 300 documents under another dataset name, so no round deduplicates another.
      expect(r['exact-dedup']).toBe(0);
    } finally {
      up.kill('SIGTERM');
      await new Promise((resolve) => up.once('exit', resolve));
    }
  });
});

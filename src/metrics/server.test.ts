import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineMetrics } from './metrics.js';
import { startMetricsServer } from './server.js';

const log = pino({ level: 'silent' });

describe('metrics server', () => {
  const servers: Array<{ close: () => void }> = [];
  afterEach(() => servers.splice(0).forEach((server) => server.close()));

  async function start(notReadyReason: () => string | null) {
    const metrics = new EngineMetrics({ defaultMetrics: false });
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: metrics.registry, notReadyReason, log });
    servers.push(server);
    return { metrics, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  it('serves counters in Prometheus text format', async () => {
    const { metrics, base } = await start(() => null);
    metrics.zeroStage('filter', 'l1', [{ name: 'normalize', rules: ['normalize_empty'] }]);
    metrics.recordsRejected.labels('filter', 'normalize', 'l1', 'normalize_empty').inc(2);

    const response = await fetch(`${base}/metrics`);
    const body = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(body).toContain('tiers_records_rejected_total{stage="filter",operator="normalize",tier="l1",rule="normalize_empty"} 2');
    expect(body).toContain('tiers_records_consumed_total{stage="filter",operator="normalize",tier="l1"} 0');
  });

  it('answers readyz with 503 and the reason until ready', async () => {
    let reason: string | null = 'no partitions assigned to stage filter';
    const { base } = await start(() => reason);

    const before = await fetch(`${base}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.text()).toContain('no partitions assigned');
    reason = null;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('returns 404 for unknown paths', async () => {
    const { base } = await start(() => null);

    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

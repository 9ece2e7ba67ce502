import { describe, expect, test } from 'vitest';
import { EngineMetrics } from '../metrics/metrics.js';
import { FOLLOW_METRIC, FollowMetrics } from './metrics.js';

async function gaugeValue(engine: EngineMetrics): Promise<number | undefined> {
  const metric = await engine.registry.getSingleMetric(FOLLOW_METRIC.oldestPendingAge)?.get();
  return metric?.values[0]?.value;
}

describe('FollowMetrics', () => {
  test('pending age is 0 without waiting files', async () => {
    const engine = new EngineMetrics({ defaultMetrics: false });
    new FollowMetrics(engine, () => null);
    expect(await gaugeValue(engine)).toBe(0);
  });

  test('pending age counts seconds since the oldest file became complete', async () => {
    const engine = new EngineMetrics({ defaultMetrics: false });
    new FollowMetrics(engine, () => Date.now() - 30_000);
    const age = await gaugeValue(engine);
    expect(age).toBeGreaterThanOrEqual(30);
    expect(age).toBeLessThan(31);
  });

  test('counters are served with the engine metrics', async () => {
    const engine = new EngineMetrics({ defaultMetrics: false });
    const metrics = new FollowMetrics(engine, () => null);
    metrics.filesIngested.inc(2);
    const text = await engine.registry.metrics();
    expect(text).toContain(`${FOLLOW_METRIC.filesIngested} 2`);
    expect(text).toContain(`${FOLLOW_METRIC.filesSeen} 0`);
    expect(text).toContain('tiers_ingest_records_total{outcome="l0"} 0');
  });
});

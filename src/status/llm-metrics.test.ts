import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EngineMetrics } from '../metrics/metrics.js';
import { llmStatus, parseLlmCounters, sampleLlmMetrics } from './llm-metrics.js';

function metricsWithTokens(prompt: number, completion: number): EngineMetrics {
  const metrics = new EngineMetrics({ defaultMetrics: false });
  metrics.llmTokens.labels('llm-scorer', 'gemma-3-270m', 'prompt').inc(prompt);
  metrics.llmTokens.labels('llm-scorer', 'gemma-3-270m', 'completion').inc(completion);
  metrics.llmTokens.labels('llm-editor', 'gemma-3-270m', 'prompt').inc(10);
  metrics.llmRequests.labels('llm-scorer', 'gemma-3-270m', 'ok').inc(3);
  metrics.llmRequests.labels('llm-scorer', 'gemma-3-270m', 'cache_hit').inc(7);
  return metrics;
}

describe('LLM counters for tiers status', () => {
  it('sums tokens by kind and requests without cache hits from the exposition text', async () => {
    const text = await metricsWithTokens(100, 20).registry.metrics();
    expect(parseLlmCounters(text)).toEqual({ promptTokens: 110, completionTokens: 20, requests: 3 });
  });

  it('reads live /metrics endpoints and lists the ones that do not answer', async () => {
    const metrics = metricsWithTokens(40, 5);
    const server = createServer(async (_req, res) => res.end(await metrics.registry.metrics()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/metrics`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    try {
      const sample = await sampleLlmMetrics([url, deadUrl], 1000);
      expect(sample).toEqual({ promptTokens: 50, completionTokens: 5, requests: 3, unreachable: [deadUrl] });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('computes rates between samples and none across a counter reset', () => {
    const a = { promptTokens: 100, completionTokens: 20, requests: 4, unreachable: [] };
    const b = { promptTokens: 300, completionTokens: 60, requests: 8, unreachable: [] };
    expect(llmStatus(['u'], b, a, 2)).toMatchObject({ tokensPerSecond: 120, requestsPerSecond: 2 });
    expect(llmStatus(['u'], a, b, 2)).toMatchObject({ tokensPerSecond: null, requestsPerSecond: null });
    expect(llmStatus(['u'], a, undefined, null)).toMatchObject({ tokensPerSecond: null, promptTokens: 100 });
  });
});

import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, isRetriable } from '../src/core/errors.js';
import { LlmClient, LlmRecordFailedError, LlmRequestError, LlmUnavailableError, type ChatRequest } from '../src/llm/client.js';
import { EngineMetrics } from '../src/metrics/metrics.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { freePort } from './support/prometheus.js';
import { llmUrl, testEndpoint } from './support/llm.js';

const PLANTED_KEY = 'sk-planted-7f3a9c1e55d2';

function capturedLogger(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

function request(text: string): ChatRequest {
  return {
    operator: 'test-operator',
    promptVersion: 'test/1',
    messages: [{ role: 'user', content: `Repeat this word once: ${text}` }],
    temperature: 0,
    maxTokens: 8,
    recordId: `record-${text}`,
  };
}

async function metricValue(metrics: EngineMetrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const match = metric?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return match?.value ?? 0;
}

describe('LLM client against the local model server through a fault-injecting proxy', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(llmUrl);
  });
  afterAll(async () => {
    await proxy.close();
  });

  const client = (overrides: Record<string, unknown> = {}) => {
    const metrics = new EngineMetrics({ defaultMetrics: false });
    const { log, lines } = capturedLogger();
    const endpoint = testEndpoint({ url: proxy.url, backoffSeconds: 0.01, maxBackoffSeconds: 0.05, ...overrides });
    return { llm: new LlmClient({ ...endpoint, apiKey: PLANTED_KEY }, log, metrics), metrics, lines };
  };

  it('answers through the proxy and counts tokens', async () => {
    const { llm, metrics } = client();
    const result = await llm.chat(request('apple'));
    expect(result.cached).toBe(false);
    expect(result.content.length).toBeGreaterThan(0);
    expect(result.promptTokens).toBeGreaterThan(0);
    expect(result.completionTokens).toBeGreaterThan(0);
    expect(await metricValue(metrics, 'tiers_llm_requests_total', { outcome: 'ok' })).toBe(1);
    expect(await metricValue(metrics, 'tiers_llm_tokens_total', { kind: 'prompt' })).toBe(result.promptTokens);
  });

  it('retries 429, 5xx, non-JSON, truncated and reset answers, then returns the real one', async () => {
    // Five failures in a row would open the circuit at the default threshold.
    const { llm, metrics, lines } = client({ maxAttempts: 6, breakerFailures: 10 });
    const before = { ...proxy.counts };
    proxy.inject(
      { kind: 'status', status: 429, retryAfter: '0' },
      { kind: 'status', status: 500 },
      { kind: 'invalid-json' },
      { kind: 'truncate' },
      { kind: 'reset' },
    );
    const result = await llm.chat({ ...request('banana'), maxTokens: 9 });
    expect(result.content.length).toBeGreaterThan(0);
    expect(proxy.counts.chat - before.chat).toBe(6);
    expect(await metricValue(metrics, 'tiers_llm_errors_total', { kind: 'rate_limited' })).toBe(1);
    expect(await metricValue(metrics, 'tiers_llm_errors_total', { kind: 'server_error' })).toBeGreaterThanOrEqual(2);
    expect(await metricValue(metrics, 'tiers_llm_errors_total', { kind: 'connection' })).toBeGreaterThanOrEqual(1);
    expect(llm.report().operators['test-operator']!.retries).toBe(5);
    const retryLogs = lines.filter((line) => line.includes('retrying'));
    expect(retryLogs).toHaveLength(5);
    expect(retryLogs.every((line) => line.includes('record-banana') && line.includes('test-operator'))).toBe(true);
  });

  it('waits as long as Retry-After asks', async () => {
    const { llm } = client();
    proxy.inject({ kind: 'status', status: 429, retryAfter: '1' });
    const started = Date.now();
    await llm.chat({ ...request('cherry'), maxTokens: 10 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('retries a request that times out', async () => {
    // Long enough for the real answer to a tiny request, short enough to keep the test quick.
    const { llm, metrics } = client({ timeoutSeconds: 3 });
    proxy.inject({ kind: 'hang' });
    const result = await llm.chat({ ...request('date'), maxTokens: 11 });
    expect(result.content.length).toBeGreaterThan(0);
    expect(await metricValue(metrics, 'tiers_llm_errors_total', { kind: 'timeout' })).toBe(1);
  });

  it('rejects a record failing alone', async () => {
    const { llm, metrics, lines } = client({ maxAttempts: 3, breakerFailures: 5 });
    const before = proxy.counts.chat;
    proxy.inject(...Array.from({ length: 3 }, () => ({ kind: 'status', status: 503 }) as const));
    const error = await llm.chat({ ...request('elder'), maxTokens: 12 }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LlmRecordFailedError);
    expect(isRetriable(error)).toBe(false);
    expect((error as Error).message).toContain('failed 3 time(s)');
    expect((error as Error).message).toContain(proxy.url);
    expect(proxy.counts.chat - before).toBe(3);
    expect(await metricValue(metrics, 'tiers_llm_requests_total', { outcome: 'error' })).toBe(1);
    const everything = [(error as Error).message, String((error as Error).stack), ...lines, await metrics.registry.metrics()].join('\n');
    expect(everything).not.toContain(PLANTED_KEY);
  });

  it('opens and closes the circuit', async () => {
    const { llm, metrics, lines } = client({ maxAttempts: 4, breakerFailures: 3, breakerOpenSeconds: 1 });
    const before = proxy.counts.chat;
    proxy.inject(...Array.from({ length: 3 }, () => ({ kind: 'status', status: 502 }) as const));
    const first = await llm.chat({ ...request('hazel'), maxTokens: 15 }).catch((err: unknown) => err);
    // The third failure opened the circuit, so the fourth attempt never went out.
    expect(proxy.counts.chat - before).toBe(3);
    expect(first).toBeInstanceOf(LlmUnavailableError);
    expect(isRetriable(first)).toBe(true);
    expect(await metricValue(metrics, 'tiers_llm_circuit_open', {})).toBe(1);

    const second = await llm.chat({ ...request('iris'), maxTokens: 16 }).catch((err: unknown) => err);
    expect((second as Error).message).toMatch(/treated as down after 3 failed attempts in a row; the next trial request goes out in 1 s/);
    expect(proxy.counts.chat - before).toBe(3);
    // One refused attempt ended the first request, and one the second.
    expect(await metricValue(metrics, 'tiers_llm_errors_total', { kind: 'circuit_open' })).toBe(2);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const third = await llm.chat({ ...request('juniper'), maxTokens: 17 });
    expect(third.content.length).toBeGreaterThan(0);
    expect(await metricValue(metrics, 'tiers_llm_circuit_open', {})).toBe(0);
    expect(lines.some((line) => line.includes('circuit opened'))).toBe(true);
    expect(lines.some((line) => line.includes('circuit closed'))).toBe(true);
  });

  it('holds requests to a dead endpoint', async () => {
    const port = await freePort();
    const endpoint = testEndpoint({ url: `http://127.0.0.1:${port}/v1`, maxAttempts: 2, backoffSeconds: 0.01, maxBackoffSeconds: 0.02 });
    const llm = new LlmClient({ ...endpoint, apiKey: PLANTED_KEY }, pino({ level: 'silent' }));
    const error = await llm.chat(request('kale')).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LlmUnavailableError);
    expect(isRetriable(error)).toBe(true);
    expect((error as Error).message).toContain('connection');
  });

  it('does not retry a request the endpoint refuses as invalid', async () => {
    const { llm } = client();
    const before = proxy.counts.chat;
    proxy.inject({ kind: 'status', status: 400 });
    const error = await llm.chat({ ...request('fig'), maxTokens: 13 }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(LlmRequestError);
    expect(isRetriable(error)).toBe(false);
    expect(proxy.counts.chat - before).toBe(1);
  });

  it('replays a repeated request from the cache without calling the model', async () => {
    const { llm, metrics } = client();
    const first = await llm.chat({ ...request('grape'), maxTokens: 14 });
    const before = proxy.counts.chat;
    const second = await llm.chat({ ...request('grape'), maxTokens: 14 });
    expect(second.cached).toBe(true);
    expect(second.content).toBe(first.content);
    expect(proxy.counts.chat).toBe(before);
    expect(await metricValue(metrics, 'tiers_llm_requests_total', { outcome: 'cache_hit' })).toBe(1);
    expect(llm.report().operators['test-operator']!.cacheHits).toBe(1);
  });

  it('falls back to json_object for every request in flight when json_schema is rejected', async () => {
    // The local server rejects json_schema; vLLM, SGLang and hosted APIs take it.
    const { llm, lines } = client({ responseFormat: 'auto', concurrency: 3 });
    const schema = { name: 'word', schema: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] } };
    const results = await Promise.all(
      ['kiwi', 'lemon', 'mango'].map((word) => llm.chat({ ...request(word), schema, maxTokens: 16 })),
    );
    for (const result of results) expect(result.content).toContain('"word"');
    expect(llm.report().operators['test-operator']!.retries).toBe(0);
    expect(lines.filter((line) => line.includes('using json_object')).length).toBe(1);
  });

  it('refuses to start against a model the endpoint does not serve', async () => {
    const { llm } = client({ model: 'no-such-model' });
    await expect(llm.checkReady()).rejects.toThrow(ConfigError);
    await expect(llm.checkReady()).rejects.toThrow(/does not serve model "no-such-model"/);
  });

  it('refuses to start when nothing listens at the URL', async () => {
    const port = await freePort();
    const { llm } = client({ url: `http://127.0.0.1:${port}/v1`, timeoutSeconds: 2 });
    await expect(llm.checkReady()).rejects.toThrow(/did not answer GET \/models \(connection\).*llm:start/);
  });
});

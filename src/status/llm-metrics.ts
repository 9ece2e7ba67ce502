import { METRIC } from '../metrics/names.js';

/** LLM counters summed over every operator process that answered, at one moment. */
export interface LlmSample {
  promptTokens: number;
  completionTokens: number;
  requests: number;
  /** /metrics URLs that did not answer at this sample. */
  unreachable: string[];
}

/** Model token and request rates that `tiers status` shows, read from the operators' /metrics. */
export interface LlmStatus {
  sources: string[];
  unreachable: string[];
  promptTokens: number;
  completionTokens: number;
  requests: number;
  /** Prompt plus completion tokens per second between the last two samples; null for the first. */
  tokensPerSecond: number | null;
  requestsPerSecond: number | null;
}

/**
 * Sums the LLM token and request counters in Prometheus text exposition. Cache hits are
 * requests too but cost no tokens, so they are left out of the request count.
 */
export function parseLlmCounters(text: string): Omit<LlmSample, 'unreachable'> {
  const totals = { promptTokens: 0, completionTokens: 0, requests: 0 };
  for (const line of text.split('\n')) {
    if (line.startsWith(`${METRIC.llmTokens}{`)) {
      const value = sampleValue(line);
      if (line.includes('kind="prompt"')) totals.promptTokens += value;
      else if (line.includes('kind="completion"')) totals.completionTokens += value;
    } else if (line.startsWith(`${METRIC.llmRequests}{`) && !line.includes('outcome="cache_hit"')) {
      totals.requests += sampleValue(line);
    }
  }
  return totals;
}

function sampleValue(line: string): number {
  const value = Number(line.slice(line.lastIndexOf('}') + 1).trim().split(/\s+/)[0]);
  return Number.isFinite(value) ? value : 0;
}

/** Reads every URL; one that fails or times out is listed as unreachable and adds nothing. */
export async function sampleLlmMetrics(urls: string[], timeoutMs = 2000): Promise<LlmSample> {
  const sample: LlmSample = { promptTokens: 0, completionTokens: 0, requests: 0, unreachable: [] };
  await Promise.all(
    urls.map(async (url) => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const counters = parseLlmCounters(await response.text());
        sample.promptTokens += counters.promptTokens;
        sample.completionTokens += counters.completionTokens;
        sample.requests += counters.requests;
      } catch {
        sample.unreachable.push(url);
      }
    }),
  );
  return sample;
}

/**
 * Rates between two samples. A process that restarted resets its counters, so a negative
 * difference reads as no rate rather than a negative one.
 */
export function llmStatus(urls: string[], current: LlmSample, previous: LlmSample | undefined, seconds: number | null): LlmStatus {
  const tokens = (s: LlmSample) => s.promptTokens + s.completionTokens;
  const rate = (before: number, after: number) => (seconds === null || seconds <= 0 || after < before ? null : (after - before) / seconds);
  return {
    sources: urls,
    unreachable: current.unreachable,
    promptTokens: current.promptTokens,
    completionTokens: current.completionTokens,
    requests: current.requests,
    tokensPerSecond: previous ? rate(tokens(previous), tokens(current)) : null,
    requestsPerSecond: previous ? rate(previous.requests, current.requests) : null,
  };
}

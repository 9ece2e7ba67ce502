import OpenAI from 'openai';

/** Why a request failed, as a bounded label for metrics and logs. */
export type LlmErrorKind = 'rate_limited' | 'server_error' | 'timeout' | 'connection' | 'auth' | 'not_found' | 'bad_request' | 'other';

export interface ClassifiedError {
  kind: LlmErrorKind;
  /** Worth another try after a pause. */
  transient: boolean;
  /** Seconds the server asked us to wait (Retry-After), when it said. */
  retryAfterSeconds?: number;
  status?: number;
}

/** Sorts an error thrown by the openai client into a kind and whether to retry it. */
export function classifyError(err: unknown): ClassifiedError {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return { kind: 'timeout', transient: true };
  if (err instanceof OpenAI.APIConnectionError) return { kind: 'connection', transient: true };
  if (err instanceof OpenAI.APIError) {
    const status = err.status;
    const retryAfterSeconds = parseRetryAfter(err.headers);
    if (status === 429) return { kind: 'rate_limited', transient: true, retryAfterSeconds, status };
    if (status === 408) return { kind: 'timeout', transient: true, status };
    if (status !== undefined && status >= 500) return { kind: 'server_error', transient: true, retryAfterSeconds, status };
    if (status === 401 || status === 403) return { kind: 'auth', transient: false, status };
    if (status === 404) return { kind: 'not_found', transient: false, status };
    if (status === 400 || status === 413 || status === 422) return { kind: 'bad_request', transient: false, status };
    // A body that is not JSON arrives without a status; a proxy or a crashing server sends those.
    if (status === undefined) return { kind: 'server_error', transient: true };
    return { kind: 'other', transient: false, status };
  }
  // A body cut short or not JSON at all surfaces as a SyntaxError from the client's parser.
  if (err instanceof SyntaxError) return { kind: 'server_error', transient: true };
  return { kind: 'other', transient: false };
}

function parseRetryAfter(headers: Headers | Record<string, string | null | undefined> | undefined): number | undefined {
  if (!headers) return undefined;
  const value = headers instanceof Headers ? headers.get('retry-after') : headers['retry-after'];
  if (value === null || value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

/**
 * Seconds to wait before try number `attempt` (2 for the first retry): exponential from
 * `base`, capped at `max`, with up to 20% jitter so many workers do not retry in step. A
 * Retry-After from the server wins when it is longer.
 */
export function backoffSeconds(attempt: number, base: number, max: number, retryAfter?: number, random = Math.random): number {
  const exponential = Math.min(max, base * 2 ** (attempt - 2));
  const jittered = exponential * (1 + 0.2 * random());
  return Math.min(Math.max(jittered, retryAfter ?? 0), Math.max(max, retryAfter ?? 0));
}

import OpenAI from 'openai';
import { CircuitBreaker } from './circuit-breaker.js';
import type { Logger } from 'pino';
import { EngineError, ConfigError } from '../core/errors.js';
import type { EngineMetrics } from '../metrics/metrics.js';
import { ResponseCache } from './cache.js';
import type { LlmEndpoint, LlmSettings } from './config.js';
import { Semaphore } from '../core/semaphore.js';
import { backoffSeconds, classifyError, type ClassifiedError } from './retry.js';
import { UsageLedger, type UsageReport } from './usage.js';

/** The request form that asks the endpoint for JSON, or none. */
type JsonForm = 'json_schema' | 'json_object' | 'none';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  /** Operator name, for metrics, logs and usage. */
  operator: string;
  /** Versioned prompt name such as `score-web-en/1`; part of the cache key. */
  promptVersion: string;
  messages: ChatMessage[];
  /** JSON schema the answer must follow; sent as response_format when the endpoint takes one. */
  schema?: { name: string; schema: Record<string, unknown> };
  temperature: number;
  maxTokens: number;
  seed?: number;
  /** Record id for logs. */
  recordId?: string;
  /** Distinguishes deliberate re-asks (after invalid output) so they do not hit the cached answer. */
  attemptTag?: number;
}

export interface ChatResult {
  content: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  cached: boolean;
}

/** The endpoint stayed unreachable or failing through every retry; the batch is consumed again later. */
export class LlmUnavailableError extends EngineError {
  constructor(message: string, cause: unknown) {
    super('TIERS_LLM_UNAVAILABLE', message, { retriable: true, cause });
  }
}

/**
 * One record's request kept failing while the endpoint answered others: after maxAttempts
 * server errors with the circuit closed, the record is rejected rather than held for ever.
 */
export class LlmRecordFailedError extends EngineError {
  constructor(message: string, cause: unknown) {
    super('TIERS_LLM_UNAVAILABLE', message, { retriable: false, cause });
  }
}

/** The endpoint refused this one request (400, 413, 422); other records may still go through. */
export class LlmRequestError extends EngineError {
  constructor(message: string, cause: unknown) {
    super('TIERS_LLM_REQUEST_INVALID', message, { retriable: false, cause });
  }
}

/**
 * The one way operators call a model: bounded concurrency shared by every LLM operator of
 * the process, retries with exponential backoff on 429, 5xx, timeouts and refused
 * connections, a response cache, and metrics and usage per operator. The API key stays in
 * the openai client and is never logged.
 */
export class LlmClient {
  readonly settings: LlmSettings;
  readonly usage = new UsageLedger();
  private readonly openai: OpenAI;
  private readonly cache?: ResponseCache;
  private readonly slots: Semaphore;
  /** The JSON request form in use; `auto` starts with json_schema and may fall back once. */
  private jsonForm: JsonForm;
  private readonly breaker: CircuitBreaker;

  constructor(
    endpoint: LlmEndpoint,
    private readonly log: Logger,
    private readonly metrics?: EngineMetrics,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.settings = endpoint.settings;
    this.openai = new OpenAI({
      baseURL: endpoint.settings.url,
      apiKey: endpoint.apiKey,
      timeout: endpoint.settings.timeoutSeconds * 1000,
      // Retries are ours, so each one is logged, counted and backs off the same way.
      maxRetries: 0,
    });
    if (endpoint.settings.cacheDir) this.cache = new ResponseCache(endpoint.settings.cacheDir);
    this.slots = new Semaphore(endpoint.settings.concurrency);
    this.jsonForm = endpoint.settings.responseFormat === 'auto' ? 'json_schema' : endpoint.settings.responseFormat;
    this.breaker = new CircuitBreaker({
      failureThreshold: endpoint.settings.breakerFailures,
      openMs: endpoint.settings.breakerOpenSeconds * 1000,
      onChange: (state, failures) => {
        metrics?.llmCircuitOpen.set(state === 'closed' ? 0 : 1);
        if (state === 'open') {
          log.warn({ url: this.settings.url, failures, openSeconds: this.settings.breakerOpenSeconds }, 'model endpoint looks down; circuit opened, requests paused');
        } else {
          log.info({ url: this.settings.url }, 'model endpoint responded again; circuit closed');
        }
      },
    });
    metrics?.llmCircuitOpen.set(0);
  }

  /**
   * Checks at start-up that the endpoint answers and serves the configured model, so a wrong
   * URL, key or model name stops the process with one clear error instead of failing every record.
   */
  async checkReady(): Promise<void> {
    const { url, model } = this.settings;
    let ids: string[];
    try {
      const page = await this.openai.models.list();
      ids = page.data.map((m) => m.id);
    } catch (err) {
      const classified = classifyError(err);
      const hint =
        classified.kind === 'auth'
          ? 'the API key was refused: check TIERS_LLM_API_KEY or the key file'
          : `is the server running? For the local one run \`npm run llm:start\``;
      throw new ConfigError(`LLM endpoint ${url} did not answer GET /models (${classified.kind}): ${hint}`);
    }
    // A server that serves one model under any name (llama.cpp) lists it under its own alias.
    if (ids.length > 0 && !ids.includes(model)) {
      throw new ConfigError(`LLM endpoint ${url} does not serve model "${model}": it serves ${ids.slice(0, 10).join(', ')}. Set --llm-model or TIERS_LLM_MODEL`);
    }
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    const usage = this.usage.entry(request.operator);
    const model = this.settings.model;
    const key = ResponseCache.key({
      model,
      promptVersion: request.promptVersion,
      messages: request.messages,
      schema: request.schema ?? null,
      temperature: request.temperature,
      maxTokens: request.maxTokens,
      seed: request.seed ?? null,
      attemptTag: request.attemptTag ?? 0,
    });
    const hit = await this.cache?.get(key);
    if (hit) {
      usage.cacheHits++;
      this.metrics?.llmRequests.labels(request.operator, model, 'cache_hit').inc();
      return { content: hit.content, model: hit.model, promptTokens: hit.promptTokens, completionTokens: hit.completionTokens, cached: true };
    }
    const result = await this.slots.run(() => this.send(request));
    await this.cache?.set(key, result).catch((err: unknown) => {
      this.log.warn({ err, operator: request.operator }, 'failed to write a response cache entry');
    });
    return { ...result, cached: false };
  }

  private async send(request: ChatRequest): Promise<Omit<ChatResult, 'cached'>> {
    const { maxAttempts, backoffSeconds: base, maxBackoffSeconds: max } = this.settings;
    const usage = this.usage.entry(request.operator);
    const model = this.settings.model;
    for (let attempt = 1; ; attempt++) {
      if (!this.breaker.tryAcquire()) throw this.circuitOpenError(request);
      const started = process.hrtime.bigint();
      const form = this.jsonForm;
      try {
        const response = await this.openai.chat.completions.create({
          model,
          messages: request.messages,
          temperature: request.temperature,
          max_tokens: request.maxTokens,
          ...(request.seed !== undefined ? { seed: request.seed } : {}),
          ...this.responseFormat(request, form),
        });
        this.breaker.success();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const content = response.choices[0]?.message?.content ?? '';
        const promptTokens = response.usage?.prompt_tokens ?? 0;
        const completionTokens = response.usage?.completion_tokens ?? 0;
        usage.requests++;
        usage.promptTokens += promptTokens;
        usage.completionTokens += completionTokens;
        this.metrics?.llmRequests.labels(request.operator, model, 'ok').inc();
        this.metrics?.llmRequestDuration.labels(request.operator, model).observe(seconds);
        this.metrics?.llmTokens.labels(request.operator, model, 'prompt').inc(promptTokens);
        this.metrics?.llmTokens.labels(request.operator, model, 'completion').inc(completionTokens);
        return { content, model: response.model || model, promptTokens, completionTokens };
      } catch (err) {
        if (request.schema && form === 'json_schema' && this.fallBackToJsonObject(err)) {
          // The endpoint responded, if only to reject the form. Every attempt that went out must
          // report back, or a half-open circuit would wait for its trial for ever.
          this.breaker.success();
          attempt--;
          continue;
        }
        const classified = classifyError(err);
        // A rejection (400, 401, 404) is a response, so the endpoint is up.
        if (classified.transient) this.breaker.failure();
        else this.breaker.success();
        usage.errors[classified.kind] = (usage.errors[classified.kind] ?? 0) + 1;
        this.metrics?.llmErrors.labels(request.operator, classified.kind).inc();
        if (!classified.transient || attempt >= maxAttempts) {
          usage.failedRequests++;
          this.metrics?.llmRequests.labels(request.operator, model, 'error').inc();
          throw this.finalError(request, classified, attempt, err);
        }
        const waitSeconds = backoffSeconds(attempt + 1, base, max, classified.retryAfterSeconds);
        usage.retries++;
        this.log.warn(
          { operator: request.operator, recordId: request.recordId, kind: classified.kind, status: classified.status, attempt, waitSeconds },
          'model request failed; retrying',
        );
        await this.sleep(waitSeconds * 1000);
      }
    }
  }

  /**
   * In `auto` mode, switches to the json_object form when the endpoint rejects json_schema.
   * Servers say so in different ways (llama-cpp-python answers 500 with a validation
   * message), so any error status whose message names the field counts. Requests that were
   * in flight with json_schema when another one switched are retried with the new form too.
   */
  private fallBackToJsonObject(err: unknown): boolean {
    if (this.settings.responseFormat !== 'auto') return false;
    if (!(err instanceof OpenAI.APIError) || err.status === undefined || err.status === 429) return false;
    if (!/json_schema|response_format/.test(err.message)) return false;
    if (this.jsonForm === 'json_schema') {
      this.jsonForm = 'json_object';
      this.log.warn({ url: this.settings.url, status: err.status }, 'the LLM endpoint rejects response_format json_schema; using json_object with a schema from now on');
    }
    return true;
  }

  private responseFormat(request: ChatRequest, form: JsonForm): Record<string, unknown> {
    if (!request.schema || form === 'none') return {};
    if (form === 'json_object') {
      return { response_format: { type: 'json_object', schema: request.schema.schema } };
    }
    return { response_format: { type: 'json_schema', json_schema: { name: request.schema.name, schema: request.schema.schema, strict: true } } };
  }

  private finalError(request: ChatRequest, classified: ClassifiedError, attempts: number, err: unknown): EngineError {
    const detail = `${classified.kind}${classified.status ? ` (HTTP ${classified.status})` : ''}`;
    if (classified.kind === 'bad_request') {
      return new LlmRequestError(`the LLM endpoint rejected the request for ${request.recordId ?? 'a record'}: ${detail}`, err);
    }
    const where = `${this.settings.url} (model ${this.settings.model})`;
    // Server errors for one record while the endpoint answers others reject that record, so one
    // poison input cannot hold a stage for ever. Anything else looks like an outage: the error
    // is retriable, and the stage holds the batch until the endpoint is back.
    const outage = this.breaker.state !== 'closed' || classified.kind === 'connection' || classified.kind === 'timeout';
    if (classified.transient && !outage) {
      return new LlmRecordFailedError(`the LLM request for ${request.recordId ?? 'a record'} failed ${attempts} time(s) at ${where}: ${detail}`, err);
    }
    return new LlmUnavailableError(`the LLM endpoint ${where} failed after ${attempts} attempt(s): ${detail}`, err);
  }

  private circuitOpenError(request: ChatRequest): LlmUnavailableError {
    this.metrics?.llmErrors.labels(request.operator, 'circuit_open').inc();
    const seconds = Math.ceil(this.breaker.remainingOpenMs() / 1000);
    return new LlmUnavailableError(
      `the LLM endpoint ${this.settings.url} is treated as down after ${this.settings.breakerFailures} failed attempts in a row; ` +
        `the next trial request goes out in ${seconds} s`,
      undefined,
    );
  }

  report(): UsageReport {
    const s = this.settings;
    return this.usage.report(s.url, s.model, s.promptPricePerMillion, s.completionPricePerMillion);
  }
}

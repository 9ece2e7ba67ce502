import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';

/**
 * How the client asks for JSON: OpenAI's json_schema form (vLLM, SGLang, hosted APIs), the
 * json_object form with a `schema` field (llama-cpp-python's server, which rejects
 * json_schema), only by prompt, or `auto`: json_schema until the endpoint rejects it, then
 * json_object for the rest of the process.
 */
export const RESPONSE_FORMATS = ['auto', 'json_schema', 'json_object', 'none'] as const;
export type ResponseFormatMode = (typeof RESPONSE_FORMATS)[number];

/**
 * Settings of the OpenAI-compatible endpoint every LLM operator shares. The same settings work
 * against llama.cpp, vLLM, SGLang or a hosted API; only the URL, model and key change.
 */
export const llmSettingsSchema = z
  .object({
    /** Base URL including the API version path, such as http://127.0.0.1:8080/v1. */
    url: z.string().url(),
    model: z.string().min(1),
    /** Seconds one request may take before it counts as timed out and is retried. */
    timeoutSeconds: z.number().positive().max(3600).default(120),
    /** Requests in flight at once, over all LLM operators of the process. */
    concurrency: z.number().int().min(1).max(512).default(4),
    /** Tries per request, the first included, for 429, 5xx, timeouts and refused connections. */
    maxAttempts: z.number().int().min(1).max(20).default(4),
    /** First backoff in seconds; it doubles on each retry up to maxBackoffSeconds. */
    backoffSeconds: z.number().min(0).max(600).default(1),
    maxBackoffSeconds: z.number().min(0).max(3600).default(30),
    /**
     * Failed attempts in a row, over all requests, after which the endpoint counts as down:
     * requests stop for breakerOpenSeconds and stages hold their input instead of rejecting it.
     */
    breakerFailures: z.number().int().min(1).max(1000).default(5),
    breakerOpenSeconds: z.number().positive().max(3600).default(30),
    responseFormat: z.enum(RESPONSE_FORMATS).default('auto'),
    /** Folder of the response cache; null turns the cache off. */
    cacheDir: z.string().min(1).nullable().default('.cache/llm-responses'),
    /** Price in US dollars per million tokens, for the cost estimate in report.json. */
    promptPricePerMillion: z.number().min(0).default(0),
    completionPricePerMillion: z.number().min(0).default(0),
  })
  .strict();

export type LlmSettings = z.infer<typeof llmSettingsSchema>;

/** Settings plus the API key, which is kept apart so it can never be printed with them. */
export interface LlmEndpoint {
  settings: LlmSettings;
  apiKey: string;
}

export interface LlmSources {
  /** `llm` section of the config file. */
  file?: Record<string, unknown>;
  /** Command-line values, which win over the file. */
  cli?: { url?: string; model?: string; apiKeyFile?: string };
  env?: NodeJS.ProcessEnv;
}

/** Model name sent when neither the config nor TIERS_LLM_MODEL names one; llama.cpp serves whatever it loaded. */
export const DEFAULT_LLM_MODEL = 'gemma-3-270m';

/**
 * Resolves the endpoint from the command line, the environment (TIERS_LLM_URL, TIERS_LLM_MODEL,
 * TIERS_LLM_API_KEY or TIERS_LLM_API_KEY_FILE) and the config file, in that order of precedence.
 * Returns undefined when no URL is configured anywhere, so callers can skip LLM stages.
 */
export function resolveLlmEndpoint(sources: LlmSources): LlmEndpoint | undefined {
  const env = sources.env ?? process.env;
  const file = { ...(sources.file ?? {}) };
  if ('apiKey' in file) {
    throw new ConfigError('llm.apiKey is not read from the config file, so the key never sits next to settings that get printed: set TIERS_LLM_API_KEY or TIERS_LLM_API_KEY_FILE, or pass --llm-key-file');
  }
  const url = sources.cli?.url ?? env.TIERS_LLM_URL ?? (file.url as string | undefined);
  if (url === undefined || url === '') return undefined;
  const merged = { ...file, url, model: sources.cli?.model ?? env.TIERS_LLM_MODEL ?? file.model ?? DEFAULT_LLM_MODEL };
  const parsed = llmSettingsSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `llm.${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid LLM settings: ${problems.join('; ')}`);
  }
  return { settings: parsed.data, apiKey: readApiKey(sources.cli?.apiKeyFile, env) };
}

function readApiKey(cliFile: string | undefined, env: NodeJS.ProcessEnv): string {
  const path = cliFile || env.TIERS_LLM_API_KEY_FILE;
  if (path) {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`cannot read the LLM API key file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  // Local servers ignore the key, but the openai client refuses to start without one.
  return env.TIERS_LLM_API_KEY || 'unused';
}

/**
 * Returns the LLM settings a run would use with this config file section, every default
 * filled in, for `tiers config`. The URL is left out unless the file sets it, because the
 * command line and environment usually supply it.
 */
export function effectiveLlmSettings(file: Record<string, unknown> | undefined): Record<string, unknown> {
  const placeholder = 'http://placeholder.invalid/v1';
  const { apiKey: _ignored, ...rest } = file ?? {};
  const parsed = llmSettingsSchema.safeParse({ model: DEFAULT_LLM_MODEL, ...rest, url: rest.url ?? placeholder });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `llm.${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid LLM settings: ${problems.join('; ')}`);
  }
  const { url, ...settings } = parsed.data;
  return url === placeholder ? settings : { url, ...settings };
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { LlmClient } from '../../src/llm/client.js';
import { llmSettingsSchema, type LlmEndpoint } from '../../src/llm/config.js';

/** Base URL of the model server the integration tests use: TIERS_LLM_URL, else the one `npm run llm:start` runs. */
export const llmUrl = process.env.TIERS_LLM_URL ?? 'http://127.0.0.1:8080/v1';
export const llmModel = process.env.TIERS_LLM_MODEL ?? 'gemma-3-270m';

/** Endpoint settings for tests, with a fresh response cache so every test asks the real model. */
export function testEndpoint(overrides: Record<string, unknown> = {}): LlmEndpoint {
  const settings = llmSettingsSchema.parse({
    url: llmUrl,
    model: llmModel,
    cacheDir: mkdtempSync(join(tmpdir(), 'tiers-llm-cache-')),
    ...overrides,
  });
  return { settings, apiKey: process.env.TIERS_LLM_API_KEY ?? 'unused' };
}

export function testClient(overrides: Record<string, unknown> = {}): LlmClient {
  return new LlmClient(testEndpoint(overrides), pino({ level: 'silent' }));
}

import type { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import type { LlmClient, ChatMessage } from '../../llm/client.js';
import { LlmRequestError } from '../../llm/client.js';
import { parseJsonOutput } from '../../llm/json-output.js';

/** Returns the shared client or explains how to configure one. */
export function requireLlm(operator: string, llm: LlmClient | undefined): LlmClient {
  if (!llm) {
    throw new ConfigError(
      `${operator} needs an LLM endpoint: pass --llm-url (for example http://127.0.0.1:8080/v1 after \`npm run llm:start\`) or set TIERS_LLM_URL`,
    );
  }
  return llm;
}

/** Temperature of re-asks after an invalid answer, so they can differ from the first. */
export const REASK_TEMPERATURE = 0.7;

export interface JsonAsk<T> {
  operator: string;
  promptVersion: string;
  messages: ChatMessage[];
  schemaName: string;
  jsonSchema: Record<string, unknown>;
  validator: z.ZodType<T>;
  temperature: number;
  maxTokens: number;
  /** Asks in all, the first included, before invalid output counts as a failure. */
  attempts: number;
  recordId: string;
  seed?: number;
}

export type JsonAnswer<T> =
  | { ok: true; value: T; model: string; cached: boolean }
  | { ok: false; rule: 'llm_output_invalid' | 'llm_request_refused'; reason: string };

/**
 * Asks the model for a JSON answer and validates it. Invalid output is asked for again (a
 * fresh request, not the cached answer) up to `attempts` times; an endpoint that is down
 * throws, so the runtime consumes the batch again instead of rejecting records.
 */
export async function askJson<T>(llm: LlmClient, ask: JsonAsk<T>): Promise<JsonAnswer<T>> {
  let lastError = '';
  for (let attempt = 0; attempt < ask.attempts; attempt++) {
    let content: string;
    let model: string;
    let cached: boolean;
    try {
      ({ content, model, cached } = await llm.chat({
        operator: ask.operator,
        promptVersion: ask.promptVersion,
        messages: ask.messages,
        schema: { name: ask.schemaName, schema: ask.jsonSchema },
        // A re-ask at temperature 0 returns the same invalid answer, so later asks sample.
        temperature: attempt === 0 ? ask.temperature : Math.max(ask.temperature, REASK_TEMPERATURE),
        maxTokens: ask.maxTokens,
        seed: ask.seed,
        recordId: ask.recordId,
        attemptTag: attempt,
      }));
    } catch (err) {
      if (err instanceof LlmRequestError) return { ok: false, rule: 'llm_request_refused', reason: err.message };
      throw err;
    }
    const parsed = parseJsonOutput(content, ask.validator);
    if (parsed.ok) return { ok: true, value: parsed.value, model, cached };
    lastError = parsed.error;
  }
  return { ok: false, rule: 'llm_output_invalid', reason: `${ask.operator} received no valid model output in ${ask.attempts} tries: ${lastError}` };
}

/**
 * Share of letters in Han, kana or Hangul, used to pick the Chinese rubric for records whose
 * language is not known yet.
 */
export function cjkShare(text: string): number {
  let letters = 0;
  let cjk = 0;
  for (const ch of text.slice(0, 4000)) {
    if (/\p{L}/u.test(ch)) {
      letters++;
      if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(ch)) cjk++;
    }
  }
  return letters === 0 ? 0 : cjk / letters;
}

/** Cuts text to at most `maxChars` code points without splitting a surrogate pair. */
export function clip(text: string, maxChars: number): { text: string; clipped: boolean } {
  // A string of n UTF-16 units holds at most n code points, so short texts skip the scan.
  if (text.length <= maxChars) return { text, clipped: false };
  let end = 0;
  for (let points = 0; points < maxChars && end < text.length; points++) {
    end += text.codePointAt(end)! > 0xffff ? 2 : 1;
  }
  return end >= text.length ? { text, clipped: false } : { text: text.slice(0, end), clipped: true };
}

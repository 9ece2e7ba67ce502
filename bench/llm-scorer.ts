/**
 * Requests per second of llm-scorer against the model server's own ceiling, at the same
 * concurrency and on the same prompts. The ceiling sends the scorer's exact requests with
 * plain fetch, so the ratio is what the operator's client, parsing and bookkeeping cost.
 *
 * Usage: npm run bench:llm-scorer -- [--url URL] [--model NAME] [--documents N] [--concurrency C]
 *   [--response-format json_object|json_schema]: json_object (the default) is the form
 *   llama-cpp-python's server takes; vLLM, SGLang and hosted APIs take json_schema.
 * Needs a running server (npm run llm:start). The last line printed is one JSON object.
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import type { TierRecord } from '../src/core/record.js';
import { InputReader } from '../src/io/read-inputs.js';
import { LlmClient } from '../src/llm/client.js';
import { llmSettingsSchema } from '../src/llm/config.js';
import { createLlmScorer, rubricFor } from '../src/operators/llm-scorer/index.js';
import { SCORE_JSON_SCHEMA, scoringMessages } from '../src/operators/llm-scorer/rubrics.js';
import { clip } from '../src/operators/shared/llm-operator.js';
import { mapWithLimit } from '../src/runtime/map-with-limit.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.TIERS_LLM_URL ?? 'http://127.0.0.1:8080/v1' },
    model: { type: 'string', default: process.env.TIERS_LLM_MODEL ?? 'gemma-3-270m' },
    documents: { type: 'string', default: '16' },
    concurrency: { type: 'string', default: '4' },
    'max-input-chars': { type: 'string', default: '1500' },
    data: { type: 'string', default: '../shared/data' },
    'response-format': { type: 'string', default: 'json_object' },
  },
});
const responseFormat = values['response-format'] === 'json_schema' ? 'json_schema' : 'json_object';
const documents = Number(values.documents);
const concurrency = Number(values.concurrency);
const maxInputChars = Number(values['max-input-chars']);
const log = pino({ level: 'silent' });

async function loadDocuments(): Promise<TierRecord[]> {
  const files = ['web_en/c4_demo.jsonl', 'web_zh/cleared1.jsonl'].map((f) => resolve(values.data, f));
  const records: TierRecord[] = [];
  for await (const item of new InputReader(files, {}, log).items()) {
    if (item.kind === 'record') records.push(item.record);
  }
  // Alternate English and Chinese so both rubrics are in the mix.
  const en = records.filter((r) => r.source.dataset !== 'cleared1');
  const zh = records.filter((r) => r.source.dataset === 'cleared1');
  return Array.from({ length: documents }, (_, i) => (i % 2 === 0 ? en[i] : zh[i]) ?? en[i]!).filter(Boolean);
}

/** The server alone: the scorer's requests, sent with fetch, nothing parsed but the status. */
async function ceiling(records: TierRecord[]): Promise<number> {
  const started = performance.now();
  await mapWithLimit(records, concurrency, async (record) => {
    const rubric = rubricFor(record, 0.3);
    const body = {
      model: values.model,
      messages: scoringMessages(rubric, clip(record.text, maxInputChars).text),
      temperature: 0,
      max_tokens: 160,
      response_format:
        responseFormat === 'json_schema'
          ? { type: 'json_schema', json_schema: { name: 'quality_score', schema: SCORE_JSON_SCHEMA, strict: true } }
          : { type: 'json_object', schema: SCORE_JSON_SCHEMA },
    };
    const response = await fetch(`${values.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer unused' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`server answered ${response.status}`);
    await response.arrayBuffer();
  });
  return records.length / ((performance.now() - started) / 1000);
}

async function scorer(records: TierRecord[]): Promise<{ rate: number; client: LlmClient }> {
  const settings = llmSettingsSchema.parse({ url: values.url, model: values.model, concurrency, cacheDir: null, responseFormat });
  const client = new LlmClient({ settings, apiKey: 'unused' }, log);
  const operator = createLlmScorer({ maxInputChars, concurrency }, { llm: client });
  const started = performance.now();
  await mapWithLimit(records, concurrency, async (record) => operator.process({ ...record, signals: {}, lineage: [] }, { log }));
  return { rate: records.length / ((performance.now() - started) / 1000), client };
}

const records = await loadDocuments();
// One request first so model loading and the first prompt's warm-up count in neither run.
await ceiling(records.slice(0, 1));
const serverRate = await ceiling(records);
const { rate: scorerRate, client } = await scorer(records);
const usage = client.report().operators['llm-scorer'];
console.log(`${records.length} documents, concurrency ${concurrency}, ${values.model} at ${values.url}`);
console.log(`Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}`);
console.log('| run | requests/s |');
console.log('|---|---|');
console.log(`| server ceiling (plain fetch) | ${serverRate.toFixed(3)} |`);
console.log(`| llm-scorer | ${scorerRate.toFixed(3)} |`);
console.log(
  JSON.stringify({
    ratio_vs_server: Number((scorerRate / serverRate).toFixed(3)),
    scorer_requests_per_second: Number(scorerRate.toFixed(3)),
    server_requests_per_second: Number(serverRate.toFixed(3)),
    documents: records.length,
    concurrency,
    retries: usage?.retries ?? 0,
    prompt_tokens: usage?.promptTokens ?? 0,
    completion_tokens: usage?.completionTokens ?? 0,
  }),
);

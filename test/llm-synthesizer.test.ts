import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ConsumedMessage } from '../src/bus/bus.js';
import { EmbeddedBus } from '../src/bus/embedded-bus.js';
import { decodeTierRecord, encodeTierRecord } from '../src/codec/avro.js';
import type { Outcome } from '../src/core/operator.js';
import type { TierRecord } from '../src/core/record.js';
import { makeRecord } from '../src/core/testing.js';
import { topicNames } from '../src/core/topics.js';
import type { LlmClient } from '../src/llm/client.js';
import { synthesizedId } from '../src/operators/llm-synthesizer/ids.js';
import { createLlmSynthesizer, LLM_SYNTHESIZER_RULES } from '../src/operators/llm-synthesizer/index.js';
import type { SynthesisMeta } from '../src/operators/llm-synthesizer/records.js';
import { StageRunner } from '../src/runtime/stage-runner.js';
import { conservationErrors } from '../src/runtime/stats.js';
import { sharedData } from './support/cli.js';
import { testClient } from './support/llm.js';

const log = pino({ level: 'silent' });
const ctx = { log };
const topics = topicNames('synth');

// llama-cpp-python 0.3 takes a schema only in the json_object form and refuses json_schema.
const client = (cacheDir: string): LlmClient => testClient({ responseFormat: 'json_object', cacheDir });

/** Small settings so each document costs one short model request (two at most, on invalid output). */
const QA_CONFIG = { tasks: ['qa'], itemsPerDocument: 2, maxInputChars: 1000, maxTokens: 320, attempts: 2 };

function line(path: string, index: number): Record<string, unknown> {
  return JSON.parse(readFileSync(join(sharedData, path), 'utf8').split('\n')[index]!) as Record<string, unknown>;
}

/** L2 records of one arXiv paper, one C4 web page and one Chinese encyclopedia text, each with an earlier lineage entry. */
function documents(): TierRecord[] {
  const scored = [{ operator: 'llm-scorer', version: '1.0.0', time: 1, action: 'promote' as const, parentId: null, details: { score: '4' } }];
  const base = { tier: 'l2' as const, lineage: scored, signals: { llm_score: 4 } };
  return [
    makeRecord(String(line('math/arxiv.jsonl', 10).text), { ...base, id: 'arxiv-10', domain: 'math', lang: 'en' }),
    makeRecord(String(line('web_en/c4_demo.jsonl', 1).text), { ...base, id: 'c4-1', lang: 'en' }),
    makeRecord(String(line('labelled/quality/clean.jsonl', 0).text), { ...base, id: 'zh-clean-0', lang: 'zh' }),
  ];
}

async function collect(bus: EmbeddedBus, topic: string): Promise<ConsumedMessage[]> {
  const seen: ConsumedMessage[] = [];
  await bus.subscribe({ groupId: `collect-${topic}`, topic, fromBeginning: true, maxBatchSize: 100, handler: async (batch) => void seen.push(...batch) });
  return seen;
}

/** Runs the synthesizer as an L2 → L3 stage on the embedded bus and returns what it published. */
async function runStage(llm: LlmClient, records: TierRecord[]) {
  const bus = new EmbeddedBus(log);
  await bus.ensureTopics(Object.values(topics).map((name) => ({ name, partitions: 1 })));
  const l3 = await collect(bus, topics.l3);
  const rejected = await collect(bus, topics.rejected);
  const producer = await bus.createProducer();
  const stage = { name: 'synthesize', input: 'l2' as const, output: 'l3' as const, operators: [] };
  const runner = new StageRunner(stage, [createLlmSynthesizer(QA_CONFIG, { llm })], topics, producer, log);
  await runner.handleBatch(
    records.map((record, offset) => ({ topic: topics.l2, partition: 0, offset: String(offset), key: record.id, value: encodeTierRecord(record) })),
  );
  await bus.whenIdle();
  return { l3: l3.map((message) => decodeTierRecord(message.value)), rejected, stats: runner.stats };
}

function synthesisOf(record: TierRecord): SynthesisMeta {
  return record.meta.synthesis as SynthesisMeta;
}

describe('llm-synthesizer against the local model server', () => {
  it('qa records with replayable ids and lineage', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'tiers-synth-cache-'));
    const inputs = documents();
    const first = await runStage(client(cacheDir), documents());

    expect(first.rejected).toHaveLength(0);
    expect(conservationErrors(first.stats)).toEqual([]);
    for (const input of inputs) {
      const promoted = first.l3.filter((record) => record.id === input.id);
      expect(promoted, `source ${input.id} promoted once`).toHaveLength(1);
      const entry = promoted[0]!.lineage.at(-1)!;
      expect(entry).toMatchObject({ operator: 'llm-synthesizer', action: 'promote', parentId: null });
      const children = first.l3.filter((record) => (record.meta.synthesis as SynthesisMeta | undefined)?.sourceId === input.id);
      expect(entry.details?.synthesized).toBe(String(children.length));
      if (children.length === 0) {
        // Whatever the model wrote, a source without records gives the reason, under one of the operator's rules.
        const rule = /^qa: ([a-z_]+): /.exec(entry.details?.failures ?? '')?.[1];
        expect(LLM_SYNTHESIZER_RULES).toContain(rule);
      }
      for (const child of children) expectSynthesizedFrom(child, input);
    }

    const replay = client(cacheDir);
    const second = await runStage(replay, documents());
    expect(second.l3.map((record) => record.id)).toEqual(first.l3.map((record) => record.id));
    expect(second.l3.map((record) => record.text)).toEqual(first.l3.map((record) => record.text));
    const usage = replay.report().operators['llm-synthesizer']!;
    expect(usage.requests).toBe(0);
    expect(usage.cacheHits).toBeGreaterThanOrEqual(inputs.length);
  });

  it('rewrite and textbook records or their failure rules', async () => {
    const llm = client(mkdtempSync(join(tmpdir(), 'tiers-synth-cache-')));
    const synthesizer = createLlmSynthesizer(
      { tasks: ['rewrite', 'textbook'], styles: ['lecture-notes'], level: 'grade-school', maxInputChars: 800, maxTokens: 400, attempts: 1 },
      { llm },
    );
    const source = documents()[1]!;
    const outcomes: Outcome[] = await synthesizer.process(source, ctx);

    expect(outcomes[0]).toMatchObject({ kind: 'promote', record: source });
    const byTask = new Map(outcomes.slice(1).map((outcome) => [synthesisOf(outcome.record).task, outcome]));
    const failures = outcomes[0]!.details?.failures ?? '';
    const rewrite = byTask.get('rewrite');
    if (rewrite) {
      expect(rewrite.record.id).toBe(synthesizedId('c4-1', 'rewrite', 'lecture-notes', 'synth-rewrite/1'));
      expect(rewrite.details).toMatchObject({ task: 'rewrite', style: 'lecture-notes', level: 'grade-school', prompt: 'synth-rewrite/1' });
      expect([...rewrite.record.text].length).toBeGreaterThanOrEqual(40);
    } else {
      expect(failures).toMatch(/rewrite\/lecture-notes: (llm_output_invalid|llm_request_refused|synthesis_empty): /);
    }
    const textbook = byTask.get('textbook');
    if (textbook) {
      expect(textbook.record.id).toBe(synthesizedId('c4-1', 'textbook', 'section', 'synth-textbook/1'));
      expect(textbook.record.text).toContain('\n\nExercise: ');
      expect(synthesisOf(textbook.record)).toMatchObject({ task: 'textbook', sourceId: 'c4-1' });
      expect(synthesisOf(textbook.record).question).toBeTruthy();
    } else {
      expect(failures).toMatch(/textbook: (llm_output_invalid|llm_request_refused|synthesis_empty): /);
    }
    expect(outcomes[0]!.details?.synthesized).toBe(String(outcomes.length - 1));
  });
});

function expectSynthesizedFrom(child: TierRecord, parent: TierRecord): void {
  const synthesis = synthesisOf(child);
  expect(child.id).toBe(synthesizedId(parent.id, 'qa', `item-${synthesis.index}`, 'synth-qa/1'));
  expect(child.tier).toBe('l3');
  expect(child.domain).toBe(parent.domain);
  expect(child.lang).toBe(parent.lang);
  expect(child.source).toEqual(parent.source);
  expect(child.signals).toEqual({});
  expect(child.text).toBe(`Question: ${synthesis.question}\nAnswer: ${synthesis.answer}`);
  expect(synthesis).toMatchObject({ task: 'qa', style: null, level: 'high-school', prompt: 'synth-qa/1' });
  expect(['number', 'text']).toContain(synthesis.answerType);
  expect(typeof synthesis.context).toBe('string');
  expect(child.lineage.slice(0, -1)).toEqual(parent.lineage);
  const emit = child.lineage.at(-1)!;
  expect(emit).toMatchObject({ operator: 'llm-synthesizer', action: 'emit', parentId: parent.id });
  expect(emit.details).toMatchObject({ task: 'qa', level: 'high-school', temperature: '0.7', prompt: 'synth-qa/1', item: String(synthesis.index) });
  expect(emit.details?.model).toBeTruthy();
  expect(emit.details?.seed).toMatch(/^\d+$/);
}

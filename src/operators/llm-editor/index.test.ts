import { createHash } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import type { Outcome } from '../../core/operator.js';
import { makeRecord } from '../../core/testing.js';
import { LlmUnavailableError, type ChatRequest, type ChatResult, type LlmClient } from '../../llm/client.js';
import { applyEdits } from './edits.js';
import { createLlmEditor, LLM_EDITOR_NAME, LLM_EDITOR_RULES, parseLlmEditorConfig } from './index.js';

// These tests replay fixed answers through the operator to cover how each kind of answer is
// routed. test/llm-editor.test.ts runs the operator against the real model.

const ctx = { log: pino({ level: 'silent' }) };

/** A client that returns the given answers in turn and keeps the requests. */
function replayClient(answers: Array<string | Error>): { llm: LlmClient; requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  const llm = {
    settings: { model: 'replayed-model' },
    chat: async (request: ChatRequest): Promise<ChatResult> => {
      requests.push(request);
      const answer = answers[Math.min(requests.length, answers.length) - 1]!;
      if (answer instanceof Error) throw answer;
      return { content: answer, model: 'replayed-model', promptTokens: 0, completionTokens: 0, cached: false };
    },
  } as unknown as LlmClient;
  return { llm, requests };
}

const PAGE = [
  'Home | Blog | About',
  'How to repot a cactus',
  'Use gloves.Wear thick ones.',
  'Share this: Twitter Facebook',
  'Pick a pot one size larger than the old one, with a drainage hole in the bottom.',
  'Cookies help us deliver our services.',
].join('\n');

async function run(answers: Array<string | Error>, config: Record<string, unknown> = {}, text = PAGE) {
  const { llm, requests } = replayClient(answers);
  const operator = createLlmEditor(config, { llm });
  const record = makeRecord(text, { id: 'page-1', tier: 'l2' });
  const outcomes = await operator.process(record, ctx);
  expect(outcomes).toHaveLength(1);
  return { outcome: outcomes[0]!, record, requests };
}

function rejection(outcome: Outcome): Extract<Outcome, { kind: 'reject' }> {
  if (outcome.kind !== 'reject') throw new Error(`expected a rejection, got ${outcome.kind}`);
  return outcome;
}

describe('llm-editor config', () => {
  it('fills in defaults', () => {
    const config = parseLlmEditorConfig(undefined);
    expect(config.maxRemovedShare).toBe(0.5);
    expect(config.maxAddedUnsupportedShare).toBe(0.2);
    expect(config.attempts).toBe(3);
  });

  it('names an unknown option', () => {
    expect(() => parseLlmEditorConfig({ maxRemoveShare: 0.3 })).toThrow(/llm-editor has unknown option\(s\) 'maxRemoveShare'/);
  });

  it('names a value out of range', () => {
    expect(() => parseLlmEditorConfig({ maxRemovedShare: 1.5 })).toThrow(/llm-editor\.maxRemovedShare .*got 1\.5/);
  });

  it('needs an LLM client', () => {
    expect(() => createLlmEditor({}, {})).toThrow(ConfigError);
  });

  it('lists its rules', () => {
    const { llm } = replayClient(['{"edits":[]}']);
    expect(createLlmEditor({}, { llm }).rules).toEqual(LLM_EDITOR_RULES);
  });
});

describe('llm-editor outcomes', () => {
  it('promotes the edited text with an auditable lineage', async () => {
    const answer = '{"edits":[{"op":"remove","lines":[6,1]},{"op":"replace","line":3,"find":".Wear","with":". Wear"},{"op":"remove","from":4,"to":4}]}';
    const { outcome, record } = await run([answer]);
    expect(outcome.kind).toBe('promote');
    expect(record.id).toBe('page-1');
    expect(record.text).toBe('How to repot a cactus\nUse gloves. Wear thick ones.\nPick a pot one size larger than the old one, with a drainage hole in the bottom.');
    expect(outcome.details!.model).toBe('replayed-model');
    expect(outcome.details!.prompt).toBe('edit-web/1');
    expect(outcome.details!.editCount).toBe('3');
    expect(outcome.details!.originalSha256).toBe(createHash('sha256').update(PAGE).digest('hex'));
    expect(JSON.parse(outcome.details!.edits!)).toEqual([
      { op: 'remove', lines: [1, 6] },
      { op: 'replace', line: 3, find: '.Wear', with: '. Wear' },
      { op: 'remove', from: 4, to: 4 },
    ]);
    expect(applyEdits(PAGE, JSON.parse(outcome.details!.edits!) as unknown[])).toEqual({ ok: true, text: record.text });
    expect(record.signals.edit_ops).toBe(3);
    expect(record.signals.edit_added_unsupported_share).toBe(0);
    expect(record.signals.edit_removed_share).toBeGreaterThan(0);
    expect(record.meta).toEqual({});
  });

  it('promotes unchanged on an empty list', async () => {
    const { outcome, record } = await run(['{"edits": []}']);
    expect(outcome.kind).toBe('promote');
    expect(record.text).toBe(PAGE);
    expect(outcome.details!.editCount).toBe('0');
    expect(outcome.details!.edits).toBe('[]');
    expect(record.signals.edit_ops).toBe(0);
  });

  it('re-asks after garbage and accepts a later answer', async () => {
    const { outcome, requests } = await run(['Sure! I removed the menu.', '{"edits":[{"op":"remove","lines":[1]}]}']);
    expect(outcome.kind).toBe('promote');
    expect(requests.map((r) => r.attemptTag)).toEqual([0, 1]);
  });

  it('rejects repeated garbage as invalid output', async () => {
    const { outcome, requests, record } = await run(['I cannot help with that.', '{"edits": [', '{"changes": []}']);
    const rejected = rejection(outcome);
    expect(rejected.rule).toBe('llm_output_invalid');
    expect(rejected.reason).toContain('3 tries');
    expect(rejected.reason).toContain('changes');
    expect(requests).toHaveLength(3);
    expect(record.text).toBe(PAGE);
  });

  it('rejects an edit list that never fits the document', async () => {
    const bad = '{"edits":[{"op":"remove","lines":[1]},{"op":"replace","line":2,"find":"succulent","with":"cactus"}]}';
    const { outcome, requests } = await run([bad]);
    const rejected = rejection(outcome);
    expect(rejected.rule).toBe('llm_edit_invalid');
    expect(rejected.reason).toContain('edit 2 {"op":"replace","line":2,"find":"succulent"');
    expect(rejected.reason).toContain('does not occur in line 2');
    expect(requests).toHaveLength(3);
  });

  it('judges invalid output by the last answer', async () => {
    const { outcome } = await run(['{"edits":[{"op":"remove","lines":[99]}]}', '{"edits":[{"op":"remove","lines":[99]}]}', 'no JSON here']);
    expect(rejection(outcome).rule).toBe('llm_output_invalid');
  });

  it('accepts a valid list after an invalid one', async () => {
    const { outcome, record } = await run(['{"edits":[{"op":"remove","lines":[99]}]}', '{"edits":[{"op":"remove","lines":[4]}]}']);
    expect(outcome.kind).toBe('promote');
    expect(record.text).not.toContain('Share this');
  });

  it('rejects an edit list that removes too much', async () => {
    const { outcome, record } = await run(['{"edits":[{"op":"remove","from":1,"to":5}]}']);
    const rejected = rejection(outcome);
    expect(rejected.rule).toBe('llm_edit_removes_content');
    expect(rejected.value).toBe(record.signals.edit_removed_share);
    expect(rejected.value).toBeGreaterThan(0.5);
    expect(rejected.reason).toContain('more than maxRemovedShare 0.5');
    expect(rejected.details!.edits).toBe('[{"op":"remove","from":1,"to":5}]');
    expect(record.text).toBe(PAGE);
  });

  it('promotes a removal exactly at the limit', async () => {
    const { outcome, record } = await run(['{"edits":[{"op":"remove","lines":[1]}]}'], {}, 'Menu Home\nReal text');
    expect(outcome.kind).toBe('promote');
    expect(record.signals.edit_removed_share).toBe(0.5);
  });

  it('rejects added words missing from the original', async () => {
    const answer = '{"edits":[{"op":"add","after":2,"text":"Cacti need sandy soil and little water."}]}';
    const { outcome, record } = await run([answer]);
    const rejected = rejection(outcome);
    expect(rejected.rule).toBe('llm_edit_adds_content');
    // None of cacti, need, sandy, soil, and, little, water occurs in the page.
    expect(rejected.reason).toMatch(/^7 of the 7 words the edits add \(100\.0%\)/);
    expect(rejected.value).toBe(1);
    expect(record.signals.edit_added_unsupported_share).toBe(1);
    expect(record.text).toBe(PAGE);
  });

  // Answers recorded from Gemma 3 270M (Q4_K_M, llama-cpp-python 0.3.36) for a real web page
  // and replayed here against the test page.
  it('rejects a recorded list with line 0 and a runaway range', async () => {
    const recorded =
      '{ "edits": [{"op":"remove","from":0,"to":0}, {"op":"replace", "line":15,"find":"all","with":""}, {"op":"add","after":7,"text":"new line"}, {"op":"remove","from":9,"to":4000000000000000},{"op":"add","after":8,"text":"new line"}]}';
    const { outcome } = await run([recorded], { attempts: 1 });
    const rejected = rejection(outcome);
    expect(rejected.rule).toBe('llm_edit_invalid');
    expect(rejected.reason).toContain('edit 1 {"op":"remove","from":0,"to":0} names line 0, but the document has lines 1-6');
  });

  it('rejects a recorded answer cut off by the token limit', async () => {
    const recorded = '{ "edits": [{"op":"remove","lines":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,10';
    const { outcome } = await run([recorded], { attempts: 1 });
    const rejected = rejection(outcome);
    expect(rejected.rule).toBe('llm_output_invalid');
    expect(rejected.reason).toContain('not valid JSON');
  });

  it('lets the limits be raised', async () => {
    const { outcome } = await run(['{"edits":[{"op":"remove","from":1,"to":5}]}'], { maxRemovedShare: 1 });
    expect(outcome.kind).toBe('promote');
  });

  it('routes a refused request without retrying it', async () => {
    const { LlmRequestError } = await import('../../llm/client.js');
    const { outcome, requests } = await run([new LlmRequestError('the LLM endpoint refused the request for page-1: bad_request (HTTP 400)', null)]);
    expect(rejection(outcome).rule).toBe('llm_request_refused');
    expect(requests).toHaveLength(1);
  });

  it('throws when the endpoint is down', async () => {
    const { llm } = replayClient([new LlmUnavailableError('the LLM endpoint failed after 4 attempt(s): connection', null)]);
    const operator = createLlmEditor({}, { llm });
    await expect(operator.process(makeRecord(PAGE), ctx)).rejects.toBeInstanceOf(LlmUnavailableError);
  });

  it('shows only the window and says so in the details', async () => {
    const long = Array.from({ length: 30 }, (_, i) => `Paragraph ${i + 1} with some words.`).join('\n');
    const { outcome, requests } = await run(['{"edits":[{"op":"remove","lines":[31]}]}', '{"edits":[]}'], { maxInputLines: 10, attempts: 2 }, long);
    expect(outcome.kind).toBe('promote');
    expect(outcome.details!.inputLinesShown).toBe('10 of 30');
    expect(outcome.details!.inputClippedAtLines).toBe('10');
    expect(requests[0]!.messages[1]!.content).toContain('only lines 1-10 are shown');
    expect(requests[0]!.messages[1]!.content).not.toContain('Paragraph 11');
  });

  it('edits Chinese text', async () => {
    const zh = '首页 | 新闻中心 | 联系我们\n铜鼓县一制药公司发生爆炸事故致1死2伤\n分享到：微信 微博';
    const { outcome, record } = await run(['{"edits":[{"op":"remove","lines":[1,3]}]}'], { maxRemovedShare: 0.6 }, zh);
    expect(outcome.kind).toBe('promote');
    expect(record.text).toBe('铜鼓县一制药公司发生爆炸事故致1死2伤');
    // Lines 1 and 3 have 12 and 8 non-space characters, line 2 has 19.
    expect(record.signals.edit_removed_share).toBe(Math.round((20 / 39) * 10_000) / 10_000);
  });

  it('uses its operator name for requests', async () => {
    const { requests } = await run(['{"edits":[]}']);
    expect(requests[0]!.operator).toBe(LLM_EDITOR_NAME);
    expect(requests[0]!.promptVersion).toBe('edit-web/1');
    expect(requests[0]!.schema!.name).toBe('edit_list');
  });
});

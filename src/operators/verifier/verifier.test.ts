import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import type { Outcome } from '../../core/operator.js';
import type { TierRecord } from '../../core/record.js';
import { makeRecord } from '../../core/testing.js';
import type { ChatRequest, LlmClient } from '../../llm/client.js';
import { createVerifier, parseVerifierConfig, VERIFIER_RULES } from './index.js';
import { VERIFY_PROMPT_VERSION } from './prompts.js';

const ctx = { log: pino({ level: 'silent' }) };
const GSM8K = resolve(import.meta.dirname, '../../../../shared/data/math/gsm8k.jsonl');

const CONTEXT =
  'The bakery opens at six. A baker makes 24 rolls each hour and works 5 hours every day. The rolls are sold in bags of six.';

/** A client that replays recorded model answers in order and keeps every request. */
function recordedLlm(answers: string[]): { llm: LlmClient; requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  const llm = {
    settings: { model: 'recorded-model' },
    chat: async (request: ChatRequest) => {
      requests.push(request);
      const content = answers[Math.min(requests.length - 1, answers.length - 1)] ?? '';
      return { content, model: 'recorded-model', promptTokens: 0, completionTokens: 0, cached: false };
    },
  } as unknown as LlmClient;
  return { llm, requests };
}

function qaItem(synthesis: Record<string, unknown>, text = 'Question: …\nAnswer: …'): TierRecord {
  return makeRecord(text, {
    id: 'item-1',
    tier: 'l3',
    meta: {
      synthesis: {
        task: 'qa',
        style: null,
        level: 'grade-school',
        question: 'How many rolls does the baker make in a day?',
        answer: '120',
        answerType: 'number',
        evidence: 'A baker makes 24 rolls each hour and works 5 hours every day.',
        context: CONTEXT,
        sourceId: 'doc-1',
        ...synthesis,
      },
    },
  });
}

function single(outcomes: Outcome[]): Outcome {
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

function rejected(outcome: Outcome): Extract<Outcome, { kind: 'reject' }> {
  expect(outcome.kind).toBe('reject');
  return outcome as Extract<Outcome, { kind: 'reject' }>;
}

const derived = (answer: string) => JSON.stringify({ answer });

describe('verifier on records it cannot check', () => {
  it('rejects a plain document without asking the model', async () => {
    const { llm, requests } = recordedLlm([]);
    const outcome = rejected(single(await createVerifier({}, { llm }).process(makeRecord('A web page.'), ctx)));

    expect(outcome.rule).toBe('verifier_not_checkable');
    expect(outcome.reason).toMatch(/only synthesized question-answer items/);
    expect(outcome.reason).toMatch(/stays in L3/);
    expect(requests).toHaveLength(0);
  });

  it('rejects a rewrite as not checkable', async () => {
    const { llm } = recordedLlm([]);
    const record = makeRecord('Rewritten text.', { meta: { synthesis: { task: 'rewrite', style: 'wiki' } } });

    expect(rejected(single(await createVerifier({}, { llm }).process(record, ctx))).rule).toBe('verifier_not_checkable');
  });

  it('rejects an empty answer', async () => {
    const { llm } = recordedLlm([]);

    expect(rejected(single(await createVerifier({}, { llm }).process(qaItem({ answer: '  ' }), ctx))).rule).toBe(
      'verifier_not_checkable',
    );
  });
});

describe('verifier support check', () => {
  it('rejects evidence not in the passage', async () => {
    const { llm, requests } = recordedLlm([derived('120')]);
    const record = qaItem({ evidence: 'The baker makes 30 rolls each hour.' });
    const outcome = rejected(single(await createVerifier({}, { llm }).process(record, ctx)));

    expect(outcome.rule).toBe('verifier_unsupported');
    expect(outcome.reason).toMatch(/does not occur in the source passage/);
    expect(outcome.reason).toContain('The baker makes 30 rolls each hour.');
    expect(requests).toHaveLength(0);
  });

  it('rejects an item without passage', async () => {
    const { llm } = recordedLlm([derived('120')]);
    const outcome = rejected(single(await createVerifier({}, { llm }).process(qaItem({ context: undefined }), ctx)));

    expect(outcome.rule).toBe('verifier_unsupported');
    expect(outcome.reason).toMatch(/no source passage/);
  });

  it('rejects evidence too short to support anything', async () => {
    const { llm } = recordedLlm([derived('120')]);
    const outcome = rejected(single(await createVerifier({}, { llm }).process(qaItem({ evidence: '24' }), ctx)));

    expect(outcome.rule).toBe('verifier_unsupported');
    expect(outcome.value).toBe(2);
  });

  it('rejects an ungrounded text answer', async () => {
    const { llm } = recordedLlm([derived('croissants')]);
    const record = qaItem({ question: 'What does the bakery sell?', answer: 'croissants and baguettes', answerType: 'text' });
    const outcome = rejected(single(await createVerifier({}, { llm }).process(record, ctx)));

    expect(outcome.rule).toBe('verifier_unsupported');
    // Only "and" occurs in the passage.
    expect(outcome.reason).toMatch(/only 33% of the words of the answer/);
  });
});

describe('verifier answer check', () => {
  it('promotes a re-derived answer', async () => {
    const { llm } = recordedLlm([derived('120')]);
    const record = qaItem({});
    const outcome = single(await createVerifier({}, { llm }).process(record, ctx));

    expect(outcome.kind).toBe('promote');
    expect(record.signals.verified).toBe(1);
    expect(outcome.details).toEqual({
      model: 'recorded-model',
      prompt: VERIFY_PROMPT_VERSION,
      derivedAnswer: '120',
      comparison: 'numeric',
      score: '1',
    });
  });

  it('never shows the proposed answer to the model', async () => {
    const { llm, requests } = recordedLlm([derived('120')]);
    await createVerifier({}, { llm }).process(qaItem({ answer: '98765' }), ctx);

    const sent = requests[0]!.messages.map((message) => message.content).join('\n');
    expect(sent).toContain('How many rolls does the baker make in a day?');
    expect(sent).toContain('24 rolls each hour');
    expect(sent).not.toContain('98765');
    expect(requests[0]!.promptVersion).toBe(VERIFY_PROMPT_VERSION);
  });

  it('rejects a wrong number naming both', async () => {
    const { llm } = recordedLlm([derived('120')]);
    const record = qaItem({ answer: '150' });
    const outcome = rejected(single(await createVerifier({}, { llm }).process(record, ctx)));

    expect(outcome.rule).toBe('verifier_answer_mismatch');
    expect(outcome.reason).toContain('"150"');
    expect(outcome.reason).toContain('"120"');
    expect(outcome.details?.derivedAnswer).toBe('120');
    expect(outcome.details?.comparison).toBe('numeric');
    expect(record.signals.verified).toBeUndefined();
  });

  it('rejects when the derived answer has no number', async () => {
    const { llm } = recordedLlm([derived('many rolls')]);
    const outcome = rejected(single(await createVerifier({}, { llm }).process(qaItem({}), ctx)));

    expect(outcome.rule).toBe('verifier_answer_mismatch');
    expect(outcome.reason).toContain('no number');
  });

  it('compares text answers by token F1', async () => {
    const record = qaItem({ question: 'When does the bakery open?', answer: 'at six', answerType: 'text' });
    const agree = recordedLlm([derived('It opens at six.')]);
    const disagree = recordedLlm([derived('at noon')]);

    expect(single(await createVerifier({}, { llm: agree.llm }).process(record, ctx)).kind).toBe('promote');
    const outcome = rejected(single(await createVerifier({ minTextF1: 0.8 }, { llm: disagree.llm }).process(qaItem({ question: 'When does the bakery open?', answer: 'at six', answerType: 'text' }), ctx)));
    expect(outcome.rule).toBe('verifier_answer_mismatch');
    expect(outcome.reason).toMatch(/token F1 0\.50 is below 0\.8/);
  });

  it('rejects garbage output after all attempts', async () => {
    const { llm, requests } = recordedLlm(['The answer is 120.', '{"answer": 120', 'null']);
    const outcome = rejected(single(await createVerifier({ attempts: 3 }, { llm }).process(qaItem({}), ctx)));

    expect(outcome.rule).toBe('llm_output_invalid');
    expect(outcome.reason).toMatch(/not verified/);
    expect(requests).toHaveLength(3);
  });

  it('checks textbook exercises against their section', async () => {
    const { llm, requests } = recordedLlm([derived('120')]);
    const record = qaItem({
      task: 'textbook',
      question: 'A machine makes 24 parts an hour for 5 hours. How many parts is that?',
      section: 'Multiplication counts equal groups: 24 parts an hour for 5 hours is 24 × 5 parts.',
    });

    expect(single(await createVerifier({}, { llm }).process(record, ctx)).kind).toBe('promote');
    expect(requests[0]!.messages[1]!.content).toContain('Multiplication counts equal groups');
  });
});

describe('verifier decontamination', () => {
  it('rejects benchmark copies before asking', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiers-verifier-'));
    const path = join(dir, 'gsm8k-head.jsonl');
    const lines = readFileSync(GSM8K, 'utf8').split('\n').slice(0, 2);
    writeFileSync(path, lines.join('\n'));
    const question = (JSON.parse(lines[0]!) as { question: string }).question;
    const { llm, requests } = recordedLlm([derived('18')]);
    const record = qaItem({ question, answer: '18', evidence: question, context: question });
    const outcome = rejected(single(await createVerifier({ benchmarks: [path] }, { llm }).process(record, ctx)));

    expect(outcome.rule).toBe('verifier_contaminated');
    expect(outcome.reason).toContain(path);
    expect(requests).toHaveLength(0);
  });
});

describe('parseVerifierConfig', () => {
  it('fills in defaults', () => {
    const config = parseVerifierConfig({});

    expect(config.ngram).toBe(13);
    expect(config.cjkNgram).toBe(13);
    expect(config.relativeTolerance).toBe(1e-9);
    expect(config.benchmarks).toEqual([]);
  });

  it('names an unknown option', () => {
    expect(() => parseVerifierConfig({ tolerance: 1 })).toThrow(/verifier has unknown option\(s\) 'tolerance'/);
  });

  it('names an invalid value', () => {
    expect(() => parseVerifierConfig({ minTextF1: 2 })).toThrow(/verifier\.minTextF1 .*got 2/);
  });

  it('needs an LLM client', () => {
    expect(() => createVerifier({}, {})).toThrow(ConfigError);
  });

  it('lists every rule it rejects with', () => {
    expect(VERIFIER_RULES).toEqual([
      'verifier_not_checkable',
      'verifier_contaminated',
      'verifier_unsupported',
      'verifier_answer_mismatch',
      'llm_output_invalid',
      'llm_request_refused',
    ]);
  });
});

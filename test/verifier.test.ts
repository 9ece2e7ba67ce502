import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../src/core/operator.js';
import type { TierRecord } from '../src/core/record.js';
import { makeRecord } from '../src/core/testing.js';
import type { LlmClient } from '../src/llm/client.js';
import { createLlmSynthesizer } from '../src/operators/llm-synthesizer/index.js';
import { compareAnswers } from '../src/operators/verifier/answers.js';
import { createVerifier, VERIFIER_RULES } from '../src/operators/verifier/index.js';
import { parseAnswerNumber } from '../src/operators/verifier/numbers.js';
import { VERIFY_PROMPT_VERSION } from '../src/operators/verifier/prompts.js';
import { sharedData } from './support/cli.js';
import { testClient } from './support/llm.js';

const ctx = { log: pino({ level: 'silent' }) };
const GSM8K = join(sharedData, 'math/gsm8k.jsonl');

// llama-cpp-python 0.3 takes a schema only in the json_object form and refuses json_schema.
const client = (): LlmClient => testClient({ responseFormat: 'json_object', cacheDir: mkdtempSync(join(tmpdir(), 'tiers-verify-cache-')) });

/** Short answers and two asks at most per item keep this file within about a dozen model requests. */
const VERIFIER_CONFIG = { benchmarks: [GSM8K], maxTokens: 64, attempts: 2 };

const BAKERY = 'The bakery opens at six. A baker makes 24 rolls each hour and works 5 hours every day. The rolls are sold in bags of six.';

function handMade(id: string, synthesis: Record<string, unknown>): TierRecord {
  return makeRecord(`Question: ${String(synthesis.question)}\nAnswer: ${String(synthesis.answer)}`, {
    id,
    tier: 'l3',
    meta: {
      synthesis: {
        task: 'qa',
        style: null,
        level: 'grade-school',
        answerType: 'number',
        evidence: 'A baker makes 24 rolls each hour and works 5 hours every day.',
        context: BAKERY,
        sourceId: 'bakery',
        ...synthesis,
      },
    },
  });
}

type Rejection = Extract<Outcome, { kind: 'reject' }>;

function single(outcomes: Outcome[]): Outcome {
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

/** What must hold for any verifier decision, whatever the model answered. */
function expectConsistent(outcome: Outcome, proposed: string, answerType: 'number' | 'text'): void {
  if (outcome.kind === 'promote') {
    expect(outcome.record.signals.verified).toBe(1);
    expect(outcome.details).toMatchObject({ prompt: VERIFY_PROMPT_VERSION });
    expect(outcome.details?.model).toBeTruthy();
    expect(['numeric', 'text']).toContain(outcome.details?.comparison);
    // The promotion must follow from the recorded derived answer alone.
    const again = compareAnswers(proposed, outcome.details!.derivedAnswer!, answerType, { relativeTolerance: 1e-9, minTextF1: 0.5 });
    expect(again.agree).toBe(true);
    return;
  }
  expect(outcome.kind).toBe('reject');
  if (outcome.kind !== 'reject') return;
  expect(VERIFIER_RULES).toContain(outcome.rule);
  expect(outcome.reason.length).toBeGreaterThan(20);
  expect(outcome.record.signals.verified).toBeUndefined();
}

describe('verifier against the local model server', () => {
  it('never promotes a wrong number', async () => {
    const verifier = createVerifier(VERIFIER_CONFIG, { llm: client() });
    const wrong = handMade('wrong-answer', { question: 'How many rolls does the baker make in a day?', answer: '-7301.5' });
    const outcome = single(await verifier.process(wrong, ctx));

    expect(outcome.kind).toBe('reject');
    if (outcome.kind !== 'reject') return;
    // A usable derivation disagrees with the absurd answer; an unusable one must not promote it either.
    expect(['verifier_answer_mismatch', 'llm_output_invalid']).toContain(outcome.rule);
    if (outcome.rule === 'verifier_answer_mismatch') {
      const derived = outcome.details!.derivedAnswer!;
      expect(outcome.reason).toContain('"-7301.5"');
      expect(outcome.reason).toContain(`"${derived}"`);
      expect(parseAnswerNumber(derived)?.value).not.toBe(-7301.5);
    }
    expect(outcome.record.signals.verified).toBeUndefined();
  });

  it('decides correct items consistently', async () => {
    const verifier = createVerifier(VERIFIER_CONFIG, { llm: client() });
    const items = [
      handMade('right-answer', { question: 'How many rolls does the baker make in a day?', answer: '120' }),
      handMade('right-answer-zh', {
        question: '面包师每小时做多少个面包？',
        answer: '24',
        evidence: '面包师每小时做24个面包',
        context: '面包店六点开门。面包师每小时做24个面包，每天工作5个小时。',
      }),
    ];
    for (const item of items) {
      const outcome = single(await verifier.process(item, ctx));
      expectConsistent(outcome, String((item.meta.synthesis as { answer: string }).answer), 'number');
      expect(outcome.kind === 'reject' ? outcome.rule : 'promoted').not.toBe('verifier_unsupported');
    }
  });

  it('rejects a copied GSM8K question', async () => {
    const llm = client();
    const verifier = createVerifier(VERIFIER_CONFIG, { llm });
    const problem = JSON.parse(readFileSync(GSM8K, 'utf8').split('\n')[0]!) as { question: string; answer: string };
    const copied = handMade('copied', { question: problem.question, answer: problem.answer, evidence: problem.question, context: problem.question });
    const outcome = single(await verifier.process(copied, ctx));

    expect(outcome.kind).toBe('reject');
    expect((outcome as Rejection).rule).toBe('verifier_contaminated');
    expect((outcome as Rejection).reason).toContain('gsm8k.jsonl');
    expect(llm.report().operators.verifier?.requests ?? 0).toBe(0);
  });

  it('checks synthesized items from real documents', async () => {
    const llm = client();
    const synthesizer = createLlmSynthesizer({ tasks: ['qa'], itemsPerDocument: 2, maxInputChars: 800, maxTokens: 320, attempts: 1 }, { llm });
    const verifier = createVerifier(VERIFIER_CONFIG, { llm });
    const web = JSON.parse(readFileSync(join(sharedData, 'web_en/c4_demo.jsonl'), 'utf8').split('\n')[1]!) as { text: string };
    const zh = JSON.parse(readFileSync(join(sharedData, 'labelled/quality/clean.jsonl'), 'utf8').split('\n')[0]!) as { text: string };
    const sources = [makeRecord(web.text, { id: 'c4-1', tier: 'l2', lang: 'en' }), makeRecord(zh.text, { id: 'zh-clean-0', tier: 'l2', lang: 'zh' })];

    const items: TierRecord[] = [];
    for (const source of sources) {
      const outcomes = await synthesizer.process(source, ctx);
      items.push(...outcomes.filter((outcome) => outcome.kind === 'emit').map((outcome) => outcome.record));
    }
    for (const item of items) {
      const synthesis = item.meta.synthesis as { answer: string; answerType: 'number' | 'text' };
      expectConsistent(single(await verifier.process(item, ctx)), synthesis.answer, synthesis.answerType);
    }
    // The sources themselves are not question-answer items and stay in L3.
    for (const source of sources) {
      const outcome = single(await verifier.process(source, ctx));
      expect((outcome as Rejection).rule).toBe('verifier_not_checkable');
    }
  });
});

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import type { Outcome } from '../../core/operator.js';
import type { TierRecord } from '../../core/record.js';
import { makeRecord } from '../../core/testing.js';
import type { ChatRequest, LlmClient } from '../../llm/client.js';
import { createLlmSynthesizer, LLM_SYNTHESIZER_RULES, parseLlmSynthesizerConfig } from './index.js';
import { synthesizedId } from './ids.js';
import type { SynthesisMeta } from './records.js';
import { effectiveAnswerType, rewriteProblem, usableQaItems } from './tasks.js';

const ctx = { log: pino({ level: 'silent' }) };

const DOCUMENT =
  'Janet keeps ducks on her farm. Her ducks lay 16 eggs per day. She sells each egg for 2 dollars at the market. The market opens at nine.';

/** A client that answers each request from `reply` and keeps every request. */
function recordedLlm(reply: (request: ChatRequest) => string): { llm: LlmClient; requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  const llm = {
    settings: { model: 'recorded-model' },
    chat: async (request: ChatRequest) => {
      requests.push(request);
      return { content: reply(request), model: 'recorded-model', promptTokens: 0, completionTokens: 0, cached: false };
    },
  } as unknown as LlmClient;
  return { llm, requests };
}

const QA_REPLY = JSON.stringify({
  items: [
    { question: 'How many eggs do the ducks lay per day?', answer: '16', answerType: 'number', evidence: 'Her ducks lay 16 eggs per day.' },
    { question: 'When does the market open?', answer: 'at nine', answerType: 'text', evidence: 'The market opens at nine.' },
  ],
});

const TEXTBOOK_REPLY = JSON.stringify({
  knowledgePoint: 'Income is price times quantity.',
  section: 'When every item sells at the same price, income equals the price times the number of items sold.',
  exercise: 'Eggs sell for 2 dollars each. How much do 16 eggs bring in?',
  solution: '16 × 2 = 32',
  answer: '32',
  answerType: 'number',
  evidence: 'She sells each egg for 2 dollars at the market.',
});

function rewriteReply(request: ChatRequest): string {
  const style = request.messages[0]!.content.split('\n')[0]!;
  return JSON.stringify({ text: `${style.slice(0, 40)}: Janet's ducks lay 16 eggs a day, which she sells for 2 dollars each.` });
}

function replyByTask(request: ChatRequest): string {
  if (request.promptVersion.startsWith('synth-qa')) return QA_REPLY;
  if (request.promptVersion.startsWith('synth-textbook')) return TEXTBOOK_REPLY;
  return rewriteReply(request);
}

function parent(overrides: Partial<TierRecord> = {}): TierRecord {
  return makeRecord(DOCUMENT, {
    id: 'doc-1',
    tier: 'l2',
    domain: 'math',
    lang: 'en',
    source: { uri: 'https://example.org/ducks', dataset: 'farm', dump: null, fetchTime: null, license: 'CC-BY-4.0' },
    signals: { llm_score: 4 },
    lineage: [{ operator: 'llm-scorer', version: '1.0.0', time: 1, action: 'promote', parentId: null, details: { score: '4' } }],
    ...overrides,
  });
}

type Rejection = Extract<Outcome, { kind: 'reject' }>;

function emits(outcomes: Outcome[]): Array<Extract<Outcome, { kind: 'emit' }>> {
  return outcomes.filter((outcome): outcome is Extract<Outcome, { kind: 'emit' }> => outcome.kind === 'emit');
}

function synthesisOf(record: TierRecord): SynthesisMeta {
  return record.meta.synthesis as SynthesisMeta;
}

describe('llm-synthesizer qa task', () => {
  it('emits items after promoting the source', async () => {
    const { llm } = recordedLlm(replyByTask);
    const source = parent();
    const outcomes = await createLlmSynthesizer({ tasks: ['qa'], level: 'grade-school' }, { llm }).process(source, ctx);

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['promote', 'emit', 'emit']);
    expect(outcomes[0]!.record).toBe(source);
    expect(outcomes[0]!.details).toEqual({ synthesized: '2', tasks: 'qa' });
  });

  it('gives items ids, text and meta', async () => {
    const { llm } = recordedLlm(replyByTask);
    const [first, second] = emits(await createLlmSynthesizer({ tasks: ['qa'], level: 'grade-school' }, { llm }).process(parent(), ctx));

    expect(first!.record.id).toBe(synthesizedId('doc-1', 'qa', 'item-0', 'synth-qa/1'));
    expect(second!.record.id).toBe(synthesizedId('doc-1', 'qa', 'item-1', 'synth-qa/1'));
    expect(first!.record.text).toBe('Question: How many eggs do the ducks lay per day?\nAnswer: 16');
    expect(synthesisOf(first!.record)).toMatchObject({
      task: 'qa',
      style: null,
      level: 'grade-school',
      question: 'How many eggs do the ducks lay per day?',
      answer: '16',
      answerType: 'number',
      evidence: 'Her ducks lay 16 eggs per day.',
      sourceId: 'doc-1',
      prompt: 'synth-qa/1',
      model: 'recorded-model',
      index: 0,
    });
    expect(synthesisOf(first!.record).context).toContain('Her ducks lay 16 eggs per day.');
    expect(synthesisOf(second!.record).answerType).toBe('text');
  });

  it('copies parent fields and lineage', async () => {
    const { llm } = recordedLlm(replyByTask);
    const source = parent();
    const [emit] = emits(await createLlmSynthesizer({ tasks: ['qa'] }, { llm }).process(source, ctx));
    const record = emit!.record;

    expect(record.domain).toBe('math');
    expect(record.lang).toBe('en');
    expect(record.source).toEqual(source.source);
    expect(record.source).not.toBe(source.source);
    expect(record.signals).toEqual({});
    expect(record.lineage).toEqual(source.lineage);
    source.lineage.push({ operator: 'x', version: '1', time: 2, action: 'promote', parentId: null, details: null });
    expect(record.lineage).toHaveLength(1);
  });

  it('writes emit lineage details', async () => {
    const { llm, requests } = recordedLlm(replyByTask);
    const [emit] = emits(await createLlmSynthesizer({ tasks: ['qa'], temperature: 0.9, seed: 7 }, { llm }).process(parent(), ctx));

    expect(emit!.details).toEqual({
      task: 'qa',
      level: 'high-school',
      model: 'recorded-model',
      temperature: '0.9',
      prompt: 'synth-qa/1',
      seed: String(requests[0]!.seed),
      item: '0',
    });
    expect(requests[0]!.temperature).toBe(0.9);
    expect(Number.isInteger(requests[0]!.seed)).toBe(true);
  });

  it('keeps usable items up to the limit', async () => {
    const reply = JSON.stringify({
      items: [
        { question: ' ', answer: '1', answerType: 'number', evidence: '' },
        { question: 'Q one?', answer: '1', answerType: 'number', evidence: 'e' },
        { question: 'q ONE', answer: '2', answerType: 'number', evidence: 'e' },
        { question: 'Q two?', answer: '', answerType: 'text', evidence: 'e' },
        { question: 'Q three?', answer: 'three', answerType: 'text', evidence: 'e' },
        { question: 'Q four?', answer: 'four', answerType: 'text', evidence: 'e' },
      ],
    });
    const { llm } = recordedLlm(() => reply);
    const records = emits(await createLlmSynthesizer({ tasks: ['qa'], itemsPerDocument: 2 }, { llm }).process(parent(), ctx));

    expect(records.map((emit) => synthesisOf(emit.record).question)).toEqual(['Q one?', 'Q three?']);
  });

  it('writes Chinese items for Chinese documents', async () => {
    const { llm, requests } = recordedLlm(() =>
      JSON.stringify({ items: [{ question: '鸭子每天下几个蛋？', answer: '十六', answerType: 'number', evidence: '她的鸭子每天下十六个蛋。' }] }),
    );
    const source = parent({ text: '珍妮在农场养鸭子。她的鸭子每天下十六个蛋。', lang: null });
    const [emit] = emits(await createLlmSynthesizer({ tasks: ['qa'] }, { llm }).process(source, ctx));

    expect(requests[0]!.messages[0]!.content).toContain('Write in Chinese');
    expect(emit!.record.lang).toBeNull();
    expect(emit!.record.text).toBe('Question: 鸭子每天下几个蛋？\nAnswer: 十六');
    expect(synthesisOf(emit!.record).answerType).toBe('number');
    expect(synthesisOf(emit!.record).context).toContain('她的鸭子每天下十六个蛋');
  });

  it('notes a clipped input in the lineage details', async () => {
    const { llm, requests } = recordedLlm(replyByTask);
    const long = parent({ text: `${DOCUMENT} ${'More text about farms. '.repeat(40)}` });
    const outcomes = await createLlmSynthesizer({ tasks: ['qa'], maxInputChars: 200 }, { llm }).process(long, ctx);

    expect(emits(outcomes)[0]!.details?.inputClippedAtChars).toBe('200');
    expect([...requests[0]!.messages[1]!.content].length).toBeLessThanOrEqual(200 + '<document>\n\n</document>'.length);
  });
});

describe('llm-synthesizer rewrite and textbook tasks', () => {
  it('emits one rewrite per style', async () => {
    const { llm, requests } = recordedLlm(replyByTask);
    const records = emits(await createLlmSynthesizer({ tasks: ['rewrite'], styles: ['wiki', 'lecture-notes'] }, { llm }).process(parent(), ctx));

    expect(requests).toHaveLength(2);
    expect(records.map((emit) => synthesisOf(emit.record).style)).toEqual(['wiki', 'lecture-notes']);
    expect(records.map((emit) => emit.details?.style)).toEqual(['wiki', 'lecture-notes']);
    expect(records[0]!.record.id).toBe(synthesizedId('doc-1', 'rewrite', 'wiki', 'synth-rewrite/1'));
    expect(records[0]!.record.text).toContain("Janet's ducks lay 16 eggs a day");
    expect(new Set(requests.map((request) => request.seed)).size).toBe(2);
  });

  it('emits a textbook section', async () => {
    const { llm } = recordedLlm(replyByTask);
    const [emit] = emits(await createLlmSynthesizer({ tasks: ['textbook'] }, { llm }).process(parent(), ctx));
    const synthesis = synthesisOf(emit!.record);

    expect(emit!.record.id).toBe(synthesizedId('doc-1', 'textbook', 'section', 'synth-textbook/1'));
    expect(emit!.record.text).toBe(
      'When every item sells at the same price, income equals the price times the number of items sold.\n\nExercise: Eggs sell for 2 dollars each. How much do 16 eggs bring in?\nSolution: 16 × 2 = 32\nAnswer: 32',
    );
    expect(synthesis).toMatchObject({ task: 'textbook', question: 'Eggs sell for 2 dollars each. How much do 16 eggs bring in?', answer: '32', answerType: 'number' });
    expect(synthesis.context).toContain('She sells each egg for 2 dollars');
  });

  it('runs every configured task on one document', async () => {
    const { llm, requests } = recordedLlm(replyByTask);
    const outcomes = await createLlmSynthesizer({ tasks: ['qa', 'rewrite', 'textbook'] }, { llm }).process(parent(), ctx);

    expect(requests).toHaveLength(5);
    expect(emits(outcomes)).toHaveLength(2 + 3 + 1);
    expect(new Set(emits(outcomes).map((emit) => emit.record.id)).size).toBe(6);
    expect(outcomes[0]!.details).toEqual({ synthesized: '6', tasks: 'qa,rewrite,textbook' });
  });
});

describe('llm-synthesizer failures', () => {
  it('promotes the source after garbage output', async () => {
    const { llm, requests } = recordedLlm(() => 'I cannot help with that.');
    const outcomes = await createLlmSynthesizer({ tasks: ['qa'], attempts: 2 }, { llm }).process(parent(), ctx);

    expect(requests).toHaveLength(2);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.kind).toBe('promote');
    expect(outcomes[0]!.details?.synthesized).toBe('0');
    expect(outcomes[0]!.details?.failures).toMatch(/^qa: llm_output_invalid: .*no JSON object/);
  });

  it('counts an answer without usable items as synthesis_empty', async () => {
    const { llm } = recordedLlm(() => JSON.stringify({ items: [] }));
    const outcomes = await createLlmSynthesizer({ tasks: ['qa'] }, { llm }).process(parent(), ctx);

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['promote']);
    expect(outcomes[0]!.details?.failures).toMatch(/^qa: synthesis_empty: the model returned 0 question-answer item/);
  });

  it('rejects a rewrite that copies the document', async () => {
    const { llm } = recordedLlm(() => JSON.stringify({ text: DOCUMENT.toUpperCase() }));
    const outcomes = await createLlmSynthesizer({ tasks: ['rewrite'], styles: ['wiki'] }, { llm }).process(parent(), ctx);

    expect(emits(outcomes)).toHaveLength(0);
    expect(outcomes[0]!.details?.failures).toMatch(/rewrite\/wiki: synthesis_empty: the rewrite repeats the document unchanged/);
  });

  it('keeps records of successful requests', async () => {
    const { llm } = recordedLlm((request) => (request.promptVersion.startsWith('synth-qa') ? 'garbage' : TEXTBOOK_REPLY));
    const outcomes = await createLlmSynthesizer({ tasks: ['qa', 'textbook'], attempts: 1 }, { llm }).process(parent(), ctx);

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['promote', 'emit']);
    expect(outcomes[0]!.details?.synthesized).toBe('1');
    expect(outcomes[0]!.details?.failures).toMatch(/^qa: llm_output_invalid/);
  });

  it('rejects an unproductive source without promoteSource', async () => {
    const { llm } = recordedLlm(() => JSON.stringify({ items: [] }));
    const outcomes = await createLlmSynthesizer({ tasks: ['qa'], promoteSource: false }, { llm }).process(parent(), ctx);

    expect(outcomes).toHaveLength(1);
    const outcome = outcomes[0] as Rejection;
    expect(outcome.kind).toBe('reject');
    expect(outcome.rule).toBe('synthesis_empty');
    expect(outcome.reason).toMatch(/no record was synthesized from this document: qa: /);
  });

  it('rejects a productive source without promoteSource', async () => {
    const { llm } = recordedLlm(replyByTask);
    const outcomes = await createLlmSynthesizer({ tasks: ['qa'], promoteSource: false }, { llm }).process(parent(), ctx);
    const first = outcomes[0] as Rejection;

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['reject', 'emit', 'emit']);
    expect(first.rule).toBe('synthesis_source_not_promoted');
    expect(first.reason).toMatch(/2 record\(s\) were synthesized/);
  });

  it('rethrows an unreachable endpoint', async () => {
    const error = Object.assign(new Error('endpoint down'), { retriable: true });
    const llm = { settings: { model: 'm' }, chat: async () => Promise.reject(error) } as unknown as LlmClient;

    await expect(createLlmSynthesizer({}, { llm }).process(parent(), ctx)).rejects.toBe(error);
  });
});

describe('parseLlmSynthesizerConfig', () => {
  it('fills in defaults', () => {
    const config = parseLlmSynthesizerConfig({});

    expect(config.tasks).toEqual(['qa']);
    expect(config.styles).toEqual(['textbook', 'wiki', 'lecture-notes']);
    expect(config.temperature).toBe(0.7);
    expect(config.promoteSource).toBe(true);
  });

  it('names an unknown task', () => {
    expect(() => parseLlmSynthesizerConfig({ tasks: ['poem'] })).toThrow(/llm-synthesizer\.tasks\.0/);
  });

  it('rejects a repeated style', () => {
    expect(() => parseLlmSynthesizerConfig({ styles: ['wiki', 'wiki'] })).toThrow(/styles must not repeat a style, got \["wiki","wiki"\]/);
  });

  it('rejects an unknown option', () => {
    expect(() => parseLlmSynthesizerConfig({ style: 'wiki' })).toThrow(/unknown option\(s\) 'style'/);
  });

  it('needs an LLM client', () => {
    expect(() => createLlmSynthesizer({}, {})).toThrow(ConfigError);
  });

  it('lists every rule it rejects with', () => {
    expect(LLM_SYNTHESIZER_RULES).toEqual(['llm_output_invalid', 'llm_request_refused', 'synthesis_empty', 'synthesis_source_not_promoted']);
  });
});

describe('synthesis helpers', () => {
  const cases: Array<[string, 'number' | 'text', 'number' | 'text']> = [
    ['16', 'number', 'number'],
    ['$32', 'text', 'number'],
    ['3/4', 'text', 'number'],
    ['十六', 'text', 'number'],
    ['16 eggs', 'text', 'text'],
    ['sixteen', 'number', 'text'],
    ['16 and 32', 'text', 'text'],
    ['−7', 'text', 'number'],
  ];
  for (const [answer, declared, expected] of cases) {
    it(`types ${JSON.stringify(answer)} declared ${declared} as ${expected}`, () => {
      expect(effectiveAnswerType(answer, declared)).toBe(expected);
    });
  }

  it('trims items and removes repeated questions', () => {
    const items = usableQaItems(
      {
        items: [
          { question: ' A? ', answer: ' 1 ', answerType: 'number', evidence: ' e ' },
          { question: 'a', answer: '2', answerType: 'number', evidence: 'e' },
        ],
      },
      5,
    );

    expect(items).toEqual([{ question: 'A?', answer: '1', answerType: 'number', evidence: 'e' }]);
  });

  it('finds short rewrites unusable', () => {
    expect(rewriteProblem('Too short.', DOCUMENT)).toMatch(/fewer than the 40/);
    expect(rewriteProblem('A longer rewrite of the farm text that is clearly new.', DOCUMENT)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { makeRecord } from '../../core/testing.js';
import { parseJsonOutput } from '../../llm/json-output.js';
import { PROMPT_VERSIONS, qaAnswer, qaJsonSchema, qaMessages, rewriteMessages, textbookAnswer, textbookMessages } from './prompts.js';
import { languageName } from './records.js';

const DOCUMENT = 'Water boils at 100 degrees Celsius at sea level.';

describe('synthesis prompts', () => {
  it('puts the document between markers', () => {
    const messages = qaMessages({ document: DOCUMENT, level: 'grade-school', language: 'English' }, 3);

    expect(messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(messages[1]!.content).toBe(`<document>\n${DOCUMENT}\n</document>`);
    expect(messages[0]!.content).not.toContain(DOCUMENT);
    expect(messages[0]!.content).toMatch(/never instructions to you/);
  });

  it('asks for configured items and level', () => {
    const system = qaMessages({ document: DOCUMENT, level: 'university', language: null }, 5)[0]!.content;

    expect(system).toContain('Write up to 5 pairs for an undergraduate');
    expect(system).toContain('Write in the same language as the document.');
  });

  it('names the language to write in', () => {
    const system = qaMessages({ document: '水在海平面一百摄氏度沸腾。', level: 'high-school', language: 'Chinese' }, 3)[0]!.content;

    expect(system).toContain('Write in Chinese, the language of the document.');
  });

  it('describes each rewrite style differently', () => {
    const context = { document: DOCUMENT, level: 'high-school' as const, language: null };
    const systems = (['textbook', 'wiki', 'lecture-notes'] as const).map((style) => rewriteMessages(context, style)[0]!.content);

    expect(new Set(systems).size).toBe(3);
    expect(systems[1]).toContain('encyclopedia article');
    expect(systems[2]).toContain('bullet points');
  });

  it('asks the textbook task for every field', () => {
    const system = textbookMessages({ document: DOCUMENT, level: 'grade-school', language: null })[0]!.content;

    for (const field of ['knowledgePoint', 'section', 'exercise', 'solution', 'answer', 'answerType', 'evidence']) {
      expect(system).toContain(`"${field}"`);
    }
  });

  it('bounds items in the schema', () => {
    const schema = qaJsonSchema(4) as { properties: { items: { maxItems: number; minItems: number } } };

    expect(schema.properties.items.maxItems).toBe(4);
    expect(schema.properties.items.minItems).toBe(1);
  });

  it('versions every task prompt', () => {
    expect(PROMPT_VERSIONS).toEqual({ qa: 'synth-qa/1', rewrite: 'synth-rewrite/1', textbook: 'synth-textbook/1' });
  });
});

describe('recorded synthesis answers', () => {
  it('parse when fenced and surrounded by prose', () => {
    const content =
      'Sure! Here you go:\n```json\n{"items": [{"question": "At what temperature does water boil?", "answer": "100", "answerType": "number", "evidence": "Water boils at 100 degrees Celsius"}]}\n```';
    const parsed = parseJsonOutput(content, qaAnswer);

    expect(parsed.ok).toBe(true);
  });

  it('fail on an unknown answer type', () => {
    const content = '{"items": [{"question": "q", "answer": "a", "answerType": "integer", "evidence": "e"}]}';
    const parsed = parseJsonOutput(content, qaAnswer);

    expect(parsed.ok).toBe(false);
    expect((parsed as { error: string }).error).toMatch(/items\.0\.answerType/);
  });

  it('fail for a textbook answer missing a field', () => {
    const parsed = parseJsonOutput('{"knowledgePoint": "k", "section": "s", "exercise": "e", "answer": "1", "answerType": "number", "evidence": "x"}', textbookAnswer);

    expect(parsed.ok).toBe(false);
    expect((parsed as { error: string }).error).toMatch(/solution/);
  });

  it('fail for a truncated answer', () => {
    expect(parseJsonOutput('{"items": [{"question": "At what temp', qaAnswer).ok).toBe(false);
  });
});

describe('languageName', () => {
  it('maps Chinese records to Chinese', () => {
    expect(languageName(makeRecord('text', { lang: 'zh-Hans' }), 0.3)).toBe('Chinese');
    expect(languageName(makeRecord('水在海平面一百摄氏度沸腾。', { lang: null }), 0.3)).toBe('Chinese');
  });

  it('names other valid tags in English', () => {
    expect(languageName(makeRecord('Wasser kocht.', { lang: 'de' }), 0.3)).toBe('German');
  });

  it('returns null when the language is unknown', () => {
    expect(languageName(makeRecord('Water boils.', { lang: null }), 0.3)).toBeNull();
    expect(languageName(makeRecord('Water boils.', { lang: 'not a tag!' }), 0.3)).toBeNull();
  });
});

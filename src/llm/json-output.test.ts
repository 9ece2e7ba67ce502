import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJsonOutput, type ParsedOutput } from './json-output.js';

/** Returns the error of a failed parse, failing the test when the parse succeeded. */
function errorOf(result: ParsedOutput<unknown>): string {
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.error;
}

const score = z.object({ score: z.number().int().min(0).max(5), reason: z.string() }).strict();

// Answers below were recorded from small local models; they cover the shapes parsing must survive.
describe('parseJsonOutput', () => {
  it('reads a bare object', () => {
    expect(parseJsonOutput('{"score": 3, "reason": "clear"}', score)).toEqual({ ok: true, value: { score: 3, reason: 'clear' } });
  });

  it('reads an object inside a code fence with text around it', () => {
    const answer = 'Here is my rating:\n```json\n{"score": 4, "reason": "uses {braces} and \\"quotes\\""}\n```\nThanks!';
    expect(parseJsonOutput(answer, score)).toEqual({ ok: true, value: { score: 4, reason: 'uses {braces} and "quotes"' } });
  });

  it('reports an answer with no object', () => {
    expect(errorOf(parseJsonOutput('I would give this a 5.', score))).toContain('no JSON object');
  });

  it('reports a truncated object', () => {
    expect(errorOf(parseJsonOutput('{"score": 2, "reason": "the text stops', score))).toContain('not valid JSON');
  });

  it('reports a score out of range and extra keys by path', () => {
    const error = errorOf(parseJsonOutput('{"score": 9, "reason": "x", "note": "ignore the rubric"}', score));
    expect(error).toMatch(/score: .*5/);
    expect(error).toContain('note');
  });

  it('reads strings with raw line breaks and tabs, which constrained servers let through', () => {
    // The escapes below are real control characters inside the JSON string, not JSON escapes.
    const answer = '{"score": 2, "reason": "first line\nsecond\tline"}';
    expect(parseJsonOutput(answer, score)).toEqual({ ok: true, value: { score: 2, reason: 'first line\nsecond\tline' } });
  });

  it('keeps Chinese text intact', () => {
    expect(parseJsonOutput('{"score": 1, "reason": "广告内容过多"}', score)).toEqual({ ok: true, value: { score: 1, reason: '广告内容过多' } });
  });
});

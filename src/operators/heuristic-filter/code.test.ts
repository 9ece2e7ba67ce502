import { describe, expect, it } from 'vitest';
import { checkCode } from './code.js';
import { parseHeuristicFilterConfig, type CodeConfig } from './config.js';
import { MeasuredText, type Signals } from './document.js';

const DEFAULTS = parseHeuristicFilterConfig({}).code;

function check(text: string, overrides: Partial<CodeConfig> = {}) {
  const signals: Signals = {};
  const failure = checkCode(new MeasuredText(text, null), { ...DEFAULTS, ...overrides }, new Set(), signals);
  return { failure, signals };
}

const SHORT_LINES = Array.from({ length: 20 }, (_, i) => `x${i} = ${i}`).join('\n');

describe('checkCode', () => {
  it('passes ordinary source and records its measures', () => {
    const source = 'def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n';
    const { failure, signals } = check(source);

    expect(failure).toBeNull();
    expect(signals.code_max_line_length).toBe(16);
    expect(signals.code_mean_line_length).toBeCloseTo((14 + 16 + 0 + 16) / 4);
    expect(signals.code_alphanumeric_ratio).toBeGreaterThan(0.25);
  });

  it('rejects a line of 1001 characters', () => {
    const { failure } = check(`${'a'.repeat(1001)}\n${SHORT_LINES}`);

    expect(failure?.rule).toBe('code_line_too_long');
    expect(failure?.value).toBe(1001);
  });

  it('keeps a line of 1000 characters', () => {
    expect(check(`${'a'.repeat(1000)}\n${SHORT_LINES}`).failure).toBeNull();
  });

  it('rejects a mean line length over 100', () => {
    const { failure } = check(`${'a'.repeat(100)}\n${'b'.repeat(101)}`);

    expect(failure?.rule).toBe('code_mean_line_too_long');
    expect(failure?.value).toBe(100.5);
  });

  it('keeps a mean line length of 100', () => {
    expect(check(`${'a'.repeat(100)}\n${'b'.repeat(100)}`).failure).toBeNull();
  });

  it('rejects under 25% letters and digits', () => {
    const { failure } = check('a----');

    expect(failure?.rule).toBe('code_too_few_alphanumeric');
    expect(failure?.value).toBeCloseTo(0.2);
  });

  it('keeps exactly 25% letters and digits', () => {
    expect(check('a---').failure).toBeNull();
  });

  it('counts line breaks in the alphanumeric total', () => {
    expect(check('ab\n\n').signals.code_alphanumeric_ratio).toBe(0.5);
  });

  it('rejects an empty or whitespace-only file', () => {
    for (const text of ['', '  \n\t\n']) {
      const { failure, signals } = check(text);

      expect(failure?.rule).toBe('code_empty');
      expect(Object.keys(signals)).toHaveLength(0);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { chooseMode } from './monitor.js';

describe('chooseMode', () => {
  it.each([
    [{ once: true, json: true }, true, 'once-json'],
    [{ once: true, json: false }, true, 'once-text'],
    [{ once: true, json: false }, false, 'once-text'],
    [{ once: false, json: false }, true, 'live'],
    [{ once: false, json: false }, false, 'lines'],
    [{ once: false, json: true }, true, 'lines'],
  ] as const)('maps %o on a terminal=%s to %s', (flags, isTerminal, mode) => {
    expect(chooseMode(flags, isTerminal)).toBe(mode);
  });
});

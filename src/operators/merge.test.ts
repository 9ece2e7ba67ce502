import { describe, expect, it } from 'vitest';
import { mergeConfig } from './merge.js';

describe('mergeConfig', () => {
  it('merges nested objects and replaces scalars and arrays', () => {
    const merged = mergeConfig(
      { c4: { enabled: true, minSentences: 5 }, domains: { web: ['c4', 'fineweb'] }, bands: 14 },
      { c4: { minSentences: 3 }, domains: { web: ['c4'] }, bands: 20 },
    );

    expect(merged).toEqual({ c4: { enabled: true, minSentences: 3 }, domains: { web: ['c4'] }, bands: 20 });
  });

  it('leaves the base untouched', () => {
    const base = { c4: { enabled: true } };
    mergeConfig(base, { c4: { enabled: false } });

    expect(base.c4.enabled).toBe(true);
  });
});

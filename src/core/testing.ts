import type { TierRecord } from './record.js';

/** Builds an L0 web record for tests; fields not given get neutral defaults. */
export function makeRecord(text: string, overrides: Partial<TierRecord> = {}): TierRecord {
  return {
    id: overrides.id ?? `test-${Math.random().toString(36).slice(2, 10)}`,
    tier: 'l0',
    domain: 'web',
    lang: null,
    text,
    source: { uri: null, dataset: 'test', dump: null, fetchTime: null, license: null },
    meta: {},
    signals: {},
    lineage: [],
    ...overrides,
  };
}

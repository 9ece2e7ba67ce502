import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { parseFields, parsePositiveCount, parseTierList, parseWeights } from './options.js';

describe('parseWeights', () => {
  it('keeps tiers and weights in the given order', () => {
    expect(parseWeights('l1=0.6, l2=0.3,L3=0.1')).toEqual([
      { tier: 'l1', weight: 0.6 },
      { tier: 'l2', weight: 0.3 },
      { tier: 'l3', weight: 0.1 },
    ]);
  });

  it('accepts weights that do not sum to 1', () => {
    expect(parseWeights('l1=3,l2=1').map((w) => w.weight)).toEqual([3, 1]);
  });

  it.each([
    ['l1=0', /greater than 0/],
    ['l1=-1', /greater than 0/],
    ['l1=abc', /greater than 0/],
    ['l1=Infinity', /greater than 0/],
    ['l9=1', /unknown tier "l9"/],
    ['rejected=1', /unknown tier "rejected"/],
    ['l1', /TIER=WEIGHT/],
    ['l1=1,l1=2', /appears twice/],
    ['', /names no tier/],
  ])('rejects %j', (value, message) => {
    expect(() => parseWeights(value)).toThrow(ConfigError);
    expect(() => parseWeights(value)).toThrow(message);
  });
});

describe('parseTierList', () => {
  it('rejects an unknown tier with the valid ones', () => {
    expect(() => parseTierList('l1,l7')).toThrow(/unknown tier "l7" in --tiers: use one of l0, l1, l2, l3, l4/);
  });

  it('rejects a repeated tier', () => {
    expect(() => parseTierList('l1,l2,l1')).toThrow(/appears twice/);
  });
});

describe('parseFields', () => {
  it('checks parquet columns, not record fields', () => {
    expect(parseFields('id,source_dataset', 'parquet')).toEqual(['id', 'source_dataset']);
    expect(() => parseFields('source', 'parquet')).toThrow(/unknown field "source"/);
    expect(parseFields('text,id,source', 'jsonl')).toEqual(['text', 'id', 'source']);
  });
});

describe('parsePositiveCount', () => {
  it('rejects zero with the option name', () => {
    expect(() => parsePositiveCount('0', '--shard-records')).toThrow(/invalid --shard-records "0"/);
    expect(() => parsePositiveCount('1.5', '--shard-bytes')).toThrow(ConfigError);
  });
});

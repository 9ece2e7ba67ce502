import { describe, expect, it } from 'vitest';
import { consumerLag, ratePerSecond, storedRecords, summedGroupPosition, summedHighWatermark } from './offsets.js';
import type { TopicSample } from './types.js';

const topic: TopicSample = {
  topic: 't.l0',
  found: true,
  partitions: [
    { partition: 0, low: 0, high: 100 },
    { partition: 1, low: 20, high: 50 },
    { partition: 2, low: 0, high: 0 },
  ],
};
const missing: TopicSample = { topic: 't.l2', found: false, partitions: [] };

describe('storedRecords', () => {
  it('sums high minus low over partitions', () => {
    expect(storedRecords(topic)).toBe(130);
  });

  it('returns null for a missing topic', () => {
    expect(storedRecords(missing)).toBeNull();
  });
});

describe('summedHighWatermark', () => {
  it('sums high watermarks including deleted records', () => {
    expect(summedHighWatermark(topic)).toBe(150);
  });

  it('returns null for a missing topic', () => {
    expect(summedHighWatermark(missing)).toBeNull();
  });
});

describe('consumerLag', () => {
  it('subtracts committed offsets from the ends', () => {
    expect(consumerLag(topic, new Map([[0, 90], [1, 45], [2, 0]]))).toBe(15);
  });

  it('counts partitions without a commit from the low watermark', () => {
    expect(consumerLag(topic, new Map([[0, 100]]))).toBe(30);
  });

  it('counts the whole topic for a group that never committed', () => {
    expect(consumerLag(topic, new Map())).toBe(130);
  });

  it('treats a commit below the low watermark as the low watermark', () => {
    expect(consumerLag(topic, new Map([[0, 100], [1, 5]]))).toBe(30);
  });

  it('never goes negative for a commit past the end', () => {
    expect(consumerLag(topic, new Map([[0, 120], [1, 60], [2, 3]]))).toBe(0);
  });

  it('returns null when the input topic is missing', () => {
    expect(consumerLag(missing, new Map())).toBeNull();
  });
});

describe('summedGroupPosition', () => {
  it('sums committed offsets, low watermark where none', () => {
    expect(summedGroupPosition(topic, new Map([[0, 40]]))).toBe(60);
  });

  it('returns null when the input topic is missing', () => {
    expect(summedGroupPosition(missing, new Map())).toBeNull();
  });
});

describe('ratePerSecond', () => {
  it('divides growth by elapsed seconds', () => {
    expect(ratePerSecond(100, 150, 2)).toBe(25);
  });

  it('returns zero when nothing changed', () => {
    expect(ratePerSecond(100, 100, 2)).toBe(0);
  });

  it.each([
    ['missing before', null, 10, 2],
    ['undefined before', undefined, 10, 2],
    ['missing after', 10, null, 2],
    ['no elapsed time', 10, 20, 0],
    ['negative elapsed time', 10, 20, -1],
    ['counter went down', 20, 10, 2],
  ])('returns null for %s', (_case, before, after, seconds) => {
    expect(ratePerSecond(before, after, seconds)).toBeNull();
  });
});

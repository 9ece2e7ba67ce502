import { describe, expect, it } from 'vitest';
import { BucketCounter } from './bucket-counter.js';

describe('BucketCounter', () => {
  it('counts repeats in first-seen order', () => {
    const counter = new BucketCounter();
    for (const bucket of [7, 3, 7, 0, 7, 3]) counter.add(bucket);

    const { buckets, counts } = counter.drain();

    expect([...buckets]).toEqual([7, 3, 0]);
    expect([...counts]).toEqual([3, 2, 1]);
  });

  it('is empty after draining', () => {
    const counter = new BucketCounter();
    counter.add(5);
    counter.drain();
    counter.add(6);

    expect([...counter.drain().buckets]).toEqual([6]);
  });

  it('keeps counts when it grows past its first size', () => {
    const counter = new BucketCounter();
    // Buckets 1024 apart collide in the first table, so this also exercises probing.
    for (let i = 0; i < 5000; i++) counter.add((i % 2500) * 1024);

    const { buckets, counts } = counter.drain();

    expect(buckets).toHaveLength(2500);
    expect(buckets[2499]).toBe(2499 * 1024);
    expect(counts.every((count) => count === 2)).toBe(true);
  });

  it('handles the largest bucket number', () => {
    const counter = new BucketCounter();
    counter.add(16_777_215);
    counter.add(16_777_215);

    expect([...counter.drain().counts]).toEqual([2]);
  });
});

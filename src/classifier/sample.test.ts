import { describe, expect, it } from 'vitest';
import { reservoirSample, splitHoldout } from './sample.js';

async function* numbers(count: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) yield i;
}

describe('reservoirSample', () => {
  it('keeps every item of a short stream', async () => {
    const { sample, seen } = await reservoirSample(numbers(5), 10, 1);

    expect(sample).toEqual([0, 1, 2, 3, 4]);
    expect(seen).toBe(5);
  });

  it('returns the same sample in stream order for the same seed', async () => {
    const first = await reservoirSample(numbers(1000), 20, 9);
    const second = await reservoirSample(numbers(1000), 20, 9);

    expect(second.sample).toEqual(first.sample);
    expect(first.sample).toHaveLength(20);
    expect([...first.sample].sort((a, b) => a - b)).toEqual(first.sample);
    expect(new Set(first.sample).size).toBe(20);
  });

  it('draws from the whole stream', async () => {
    // With 1000 items and 100 draws, a sample from the first half only has chance about 2^-100.
    const { sample } = await reservoirSample(numbers(1000), 100, 3);

    expect(sample.some((n) => n >= 500)).toBe(true);
    expect(sample.some((n) => n < 500)).toBe(true);
  });
});

describe('splitHoldout', () => {
  it('holds out the rounded share', () => {
    const { train, holdout } = splitHoldout(Array.from({ length: 24 }, (_, i) => i), 0.2, 1);

    expect(holdout).toHaveLength(5);
    expect(train).toHaveLength(19);
    expect([...train, ...holdout].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it('keeps at least one item on each side', () => {
    expect(splitHoldout([1, 2], 0.01, 1).holdout).toHaveLength(1);
    expect(splitHoldout([1, 2], 0.9, 1).train).toHaveLength(1);
  });

  it('holds out nothing at fraction 0', () => {
    expect(splitHoldout([1, 2, 3], 0, 1)).toEqual({ train: expect.any(Array), holdout: [] });
    expect(splitHoldout([1, 2, 3], 0, 1).train).toHaveLength(3);
  });

  it('rejects a fraction of 1 or more', () => {
    expect(() => splitHoldout([1, 2], 1, 1)).toThrow(/below 1, got 1/);
  });
});

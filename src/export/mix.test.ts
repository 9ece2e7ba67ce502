import { describe, expect, it } from 'vitest';
import type { Tier } from '../core/record.js';
import { pickWeighted, weightedInterleave, type MixInput } from './mix.js';
import { bufferShuffle, SeededRandom } from './random.js';

async function* numbered(tier: string, count: number): AsyncGenerator<string> {
  for (let i = 0; i < count; i++) yield `${tier}-${i}`;
}

function inputs(counts: Array<[Tier, number, number]>): MixInput<string>[] {
  return counts.map(([tier, weight, count]) => ({ tier, weight, items: numbered(tier, count) }));
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('weightedInterleave', () => {
  it('gives the same order for the same seed', async () => {
    const spec: Array<[Tier, number, number]> = [['l1', 0.6, 200], ['l2', 0.3, 100], ['l3', 0.1, 50]];
    const first = await collect(weightedInterleave(inputs(spec), new SeededRandom(7, 'mix')));
    const second = await collect(weightedInterleave(inputs(spec), new SeededRandom(7, 'mix')));
    const other = await collect(weightedInterleave(inputs(spec), new SeededRandom(8, 'mix')));

    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('emits every record once, in each tier order', async () => {
    const mixed = await collect(weightedInterleave(inputs([['l1', 0.9, 30], ['l2', 0.1, 40]]), new SeededRandom(1, 'mix')));

    expect(mixed).toHaveLength(70);
    const l2 = mixed.filter((m) => m.tier === 'l2').map((m) => m.item);
    expect(l2).toEqual(Array.from({ length: 40 }, (_, i) => `l2-${i}`));
  });

  it('follows the weights while every tier has records', async () => {
    const mixed = await collect(weightedInterleave(inputs([['l1', 0.75, 100_000], ['l2', 0.25, 100_000]]), new SeededRandom(3, 'mix')));
    const head = mixed.slice(0, 40_000);
    const l1Share = head.filter((m) => m.tier === 'l1').length / head.length;

    expect(l1Share).toBeGreaterThan(0.74);
    expect(l1Share).toBeLessThan(0.76);
  });
});

describe('pickWeighted', () => {
  it('never picks outside the weights', () => {
    const random = new SeededRandom(0, 'pick');
    for (let i = 0; i < 1000; i++) expect(pickWeighted([1e-9, 2, 3], random)).toBeLessThan(3);
  });
});

describe('bufferShuffle', () => {
  it('permutes a short stream deterministically', async () => {
    const first = await collect(bufferShuffle(numbered('a', 50), 100, new SeededRandom(5, 'shuffle:l1')));
    const again = await collect(bufferShuffle(numbered('a', 50), 100, new SeededRandom(5, 'shuffle:l1')));

    expect(again).toEqual(first);
    expect([...first].sort()).toEqual([...(await collect(numbered('a', 50)))].sort());
    expect(first).not.toEqual(await collect(numbered('a', 50)));
  });

  it('keeps every item of a stream longer than the buffer', async () => {
    const shuffled = await collect(bufferShuffle(numbered('b', 1000), 10, new SeededRandom(5, 'x')));

    expect(new Set(shuffled).size).toBe(1000);
  });
});

import { describe, expect, it } from 'vitest';
import { eventLoopYielder, mapWithLimit } from './map-with-limit.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapWithLimit', () => {
  it('keeps input order while calls finish out of order', async () => {
    const delays = [30, 5, 20, 1, 10];
    const result = await mapWithLimit(delays, 3, async (ms, i) => {
      await sleep(ms);
      return i * 10;
    });
    expect(result).toEqual([0, 10, 20, 30, 40]);
  });

  it('never has more calls in flight than the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    await mapWithLimit(Array.from({ length: 20 }, (_, i) => i), 4, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(2);
      inFlight--;
    });
    expect(peak).toBe(4);
  });

  it('runs one at a time with a limit of 1', async () => {
    const order: string[] = [];
    await mapWithLimit(['a', 'b', 'c'], 1, async (item) => {
      order.push(`start ${item}`);
      await sleep(1);
      order.push(`end ${item}`);
    });
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('throws the first failure after the started calls settle and starts no new ones', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = mapWithLimit([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      await sleep(i === 1 ? 1 : 10);
      settled++;
      if (i === 1) throw new Error('boom 1');
      return i;
    });
    await expect(run).rejects.toThrow('boom 1');
    expect(started).toEqual([0, 1]);
    expect(settled).toBe(2);
  });

  it('returns an empty list for no items', async () => {
    expect(await mapWithLimit([], 8, async () => 1)).toEqual([]);
  });
});

describe('eventLoopYielder', () => {
  it('lets a timer fire during a long synchronous loop', async () => {
    let fired = false;
    setTimeout(() => (fired = true), 0);
    const yieldNow = eventLoopYielder(5);
    const until = Date.now() + 40;
    while (Date.now() < until) await yieldNow();
    expect(fired).toBe(true);
  });
});

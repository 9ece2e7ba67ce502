import { describe, expect, it } from 'vitest';
import { RejectionWindow } from './rejection-window.js';

const start = 1_700_000_000_000;

describe('RejectionWindow', () => {
  it('counts rejections per rule inside the window', () => {
    const window = new RejectionWindow(60, start);
    window.add('heuristic-filter', 'gopher_short_doc', start + 1000);
    window.add('heuristic-filter', 'gopher_short_doc', start + 2000);
    window.add('exact-dedup', 'duplicate', start + 3000);
    const summary = window.summarize(start + 10_000);
    expect(summary.countInWindow).toBe(3);
    expect(summary.coveredSeconds).toBe(10);
    expect(summary.perSecond).toBeCloseTo(0.3);
    expect(summary.topRules[0]).toEqual({ operator: 'heuristic-filter', rule: 'gopher_short_doc', count: 2, perSecond: 0.2, total: 2 });
    expect(summary.topRules[1]).toEqual({ operator: 'exact-dedup', rule: 'duplicate', count: 1, perSecond: 0.1, total: 1 });
  });

  it('drops rejections older than the window but keeps totals', () => {
    const window = new RejectionWindow(10, start);
    window.add('normalize', 'normalize_empty', start + 1000);
    window.add('normalize', 'normalize_empty', start + 25_000);
    const summary = window.summarize(start + 30_000);
    expect(summary.countInWindow).toBe(1);
    expect(summary.coveredSeconds).toBe(10);
    expect(summary.perSecond).toBeCloseTo(0.1);
    expect(summary.totalSinceStart).toBe(2);
    expect(summary.topRules).toEqual([{ operator: 'normalize', rule: 'normalize_empty', count: 1, perSecond: 0.1, total: 2 }]);
  });

  it('empties the window after a quiet period', () => {
    const window = new RejectionWindow(5, start);
    window.add('normalize', 'normalize_empty', start + 1000);
    const summary = window.summarize(start + 60_000);
    expect(summary.countInWindow).toBe(0);
    expect(summary.perSecond).toBe(0);
    expect(summary.topRules).toEqual([]);
    expect(summary.byOperator).toEqual([{ operator: 'normalize', count: 0, perSecond: 0, total: 1 }]);
  });

  it('divides by elapsed time until the window fills', () => {
    const window = new RejectionWindow(60, start);
    for (let i = 0; i < 8; i++) window.add('exact-dedup', 'duplicate', start + 500);
    const summary = window.summarize(start + 2000);
    expect(summary.coveredSeconds).toBe(2);
    expect(summary.secondsSinceStart).toBe(2);
    expect(summary.perSecond).toBe(4);
  });

  it('reports zero rate at the start instant', () => {
    const window = new RejectionWindow(60, start);
    window.add('exact-dedup', 'duplicate', start);
    const summary = window.summarize(start);
    expect(summary.countInWindow).toBe(1);
    expect(summary.perSecond).toBe(0);
  });

  it('counts times before the start as the start', () => {
    const window = new RejectionWindow(10, start);
    window.add('exact-dedup', 'duplicate', start - 3_600_000);
    expect(window.summarize(start + 5000).countInWindow).toBe(1);
  });

  it('keeps the five busiest rules, ties by total then name', () => {
    const window = new RejectionWindow(60, start);
    const counts: [string, number][] = [['a', 1], ['b', 6], ['c', 3], ['d', 3], ['e', 2], ['f', 5], ['g', 1]];
    for (const [rule, count] of counts) {
      for (let i = 0; i < count; i++) window.add('heuristic-filter', rule, start + 1000);
    }
    const top = window.summarize(start + 2000).topRules;
    expect(top.map((entry) => entry.rule)).toEqual(['b', 'f', 'c', 'd', 'e']);
  });

  it('honours a custom number of top rules', () => {
    const window = new RejectionWindow(60, start);
    window.add('x', 'r1', start + 1000);
    window.add('x', 'r2', start + 1000);
    expect(window.summarize(start + 2000, [], 1).topRules).toHaveLength(1);
  });

  it('lists given operators first, then operators seen', () => {
    const window = new RejectionWindow(60, start);
    window.add('ingest', 'ingest_empty_text', start + 1000);
    window.add('exact-dedup', 'duplicate', start + 1000);
    window.add('exact-dedup', 'duplicate', start + 1500);
    const byOperator = window.summarize(start + 2000, ['normalize', 'exact-dedup']).byOperator;
    expect(byOperator).toEqual([
      { operator: 'normalize', count: 0, perSecond: 0, total: 0 },
      { operator: 'exact-dedup', count: 2, perSecond: 1, total: 2 },
      { operator: 'ingest', count: 1, perSecond: 0.5, total: 1 },
    ]);
  });

  it('keeps rules of different operators apart', () => {
    const window = new RejectionWindow(60, start);
    window.add('exact-dedup', 'duplicate', start + 1000);
    window.add('minhash-dedup', 'duplicate', start + 1000);
    const top = window.summarize(start + 2000).topRules;
    expect(top).toHaveLength(2);
    expect(top.map((entry) => entry.operator).sort()).toEqual(['exact-dedup', 'minhash-dedup']);
  });

  it('rejects a window that is not positive', () => {
    expect(() => new RejectionWindow(0, start)).toThrow(RangeError);
  });
});

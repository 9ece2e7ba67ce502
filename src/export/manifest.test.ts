import { describe, expect, it } from 'vitest';
import { makeRecord } from '../core/testing.js';
import { grandTotals, mergeTierTotals, TotalsCounter } from './manifest.js';

/** Counts one token per whitespace-separated word, so expected totals are easy to state. */
const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

function datasetRecord(text: string, dataset: string) {
  const record = makeRecord(text);
  record.source.dataset = dataset;
  return record;
}

describe('TotalsCounter', () => {
  it('sums records, UTF-8 bytes and tokens per tier and dataset', () => {
    const counter = new TotalsCounter(countWords);
    counter.add('l1', datasetRecord('one two', 'c4'));
    counter.add('l1', datasetRecord('héllo', 'c4'));
    counter.add('l1', datasetRecord('a b c', 'wiki'));
    counter.ensure('l2');
    const tiers = counter.tiers();

    expect(tiers.l1).toEqual({
      records: 3,
      textBytes: 7 + 6 + 5,
      tokens: 2 + 1 + 3,
      datasets: { c4: { records: 2, textBytes: 13, tokens: 3 }, wiki: { records: 1, textBytes: 5, tokens: 3 } },
    });
    expect(tiers.l2).toEqual({ records: 0, textBytes: 0, tokens: 0, datasets: {} });
    expect(grandTotals(tiers)).toEqual({ records: 3, textBytes: 18, tokens: 6 });
  });

  it('merges phases so dataset sums equal tier sums', () => {
    const first = new TotalsCounter(countWords);
    first.add('l1', datasetRecord('a b', 'c4'));
    const second = new TotalsCounter(countWords);
    second.add('l1', datasetRecord('c', 'c4'));
    second.add('l2', datasetRecord('d e f', 'wiki'));
    const merged = mergeTierTotals([first.tiers(), second.tiers()]);

    expect(merged.l1!.records).toBe(2);
    expect(merged.l1!.datasets.c4).toEqual({ records: 2, textBytes: 4, tokens: 3 });
    for (const totals of Object.values(merged)) {
      const datasetRecords = Object.values(totals!.datasets).reduce((sum, d) => sum + d.records, 0);
      expect(datasetRecords).toBe(totals!.records);
    }
    expect(Object.keys(merged)).toEqual(['l1', 'l2']);
  });
});

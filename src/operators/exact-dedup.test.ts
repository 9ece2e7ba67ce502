import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import type { Outcome } from '../core/operator.js';
import type { TierRecord } from '../core/record.js';
import { makeRecord } from '../core/testing.js';
import { ExactDedupOperator, parseExactDedupConfig } from './exact-dedup.js';

const ctx = { log: pino({ level: 'silent' }) };
const DEMO_DEDUP = '/work/shared/data/labelled/dedup/demo-dataset-deduplication.jsonl';

function run(operator: ExactDedupOperator, record: TierRecord): Outcome {
  const outcomes = operator.process(record, ctx);
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

function inDataset(text: string, id: string, dataset: string, dump: string | null = null): TierRecord {
  return makeRecord(text, { id, source: { uri: null, dataset, dump, fetchTime: null, license: null } });
}

describe('ExactDedupOperator', () => {
  it('rejects an exact duplicate naming the first id', () => {
    const operator = new ExactDedupOperator();
    const first = run(operator, makeRecord('The same text.', { id: 'a' }));
    const second = run(operator, makeRecord('The same text.', { id: 'b' }));

    expect(first.kind).toBe('promote');
    expect(second).toMatchObject({ kind: 'reject', rule: 'duplicate', duplicateOf: 'a' });
    expect(second).toMatchObject({ reason: "exact duplicate of a in scope 'test'" });
  });

  it('keeps distinct documents', () => {
    const operator = new ExactDedupOperator();
    const texts = ['one', 'One', 'one ', 'two', 'three', ''];
    const kinds = texts.map((text, i) => run(operator, makeRecord(text, { id: `d${i}` })).kind);

    expect(kinds).toEqual(['promote', 'promote', 'promote', 'promote', 'promote', 'promote']);
  });

  it('keeps the first of every copy', () => {
    const operator = new ExactDedupOperator();
    const outcomes = ['x', 'y', 'x', 'x', 'y'].map((text, i) => run(operator, makeRecord(text, { id: `r${i}` })));

    expect(outcomes.map((o) => o.kind)).toEqual(['promote', 'promote', 'reject', 'reject', 'reject']);
    expect(outcomes.map((o) => (o.kind === 'reject' ? o.duplicateOf : null))).toEqual([null, null, 'r0', 'r0', 'r1']);
  });

  it('keeps copies in different datasets with dataset scope', () => {
    const operator = new ExactDedupOperator(parseExactDedupConfig({ scope: 'dataset' }));

    expect(run(operator, inDataset('shared text', 'a', 'one')).kind).toBe('promote');
    expect(run(operator, inDataset('shared text', 'b', 'two')).kind).toBe('promote');
    expect(run(operator, inDataset('shared text', 'c', 'two')).kind).toBe('reject');
  });

  it('rejects copies across datasets with global scope', () => {
    const operator = new ExactDedupOperator(parseExactDedupConfig({ scope: 'global' }));

    expect(run(operator, inDataset('shared text', 'a', 'one')).kind).toBe('promote');
    expect(run(operator, inDataset('shared text', 'b', 'two'))).toMatchObject({ kind: 'reject', duplicateOf: 'a' });
  });

  it('scopes by dump before dataset', () => {
    const operator = new ExactDedupOperator();

    expect(run(operator, inDataset('page', 'a', 'cc', 'CC-MAIN-2024-10')).kind).toBe('promote');
    expect(run(operator, inDataset('page', 'b', 'cc', 'CC-MAIN-2024-18')).kind).toBe('promote');
    expect(run(operator, inDataset('page', 'c', 'other-name', 'CC-MAIN-2024-18'))).toMatchObject({
      kind: 'reject',
      duplicateOf: 'b',
    });
  });

  it('rejects untracked duplicates through the Bloom filter', () => {
    const operator = new ExactDedupOperator(parseExactDedupConfig({ maxTrackedIds: 1 }));
    run(operator, makeRecord('tracked', { id: 't' }));
    run(operator, makeRecord('untracked', { id: 'u' }));

    const trackedCopy = run(operator, makeRecord('tracked', { id: 't2' }));
    const untrackedCopy = run(operator, makeRecord('untracked', { id: 'u2' }));
    const fresh = run(operator, makeRecord('fresh', { id: 'f' }));

    expect(trackedCopy).toMatchObject({ kind: 'reject', duplicateOf: 't' });
    expect(untrackedCopy).toMatchObject({ kind: 'reject', rule: 'duplicate', duplicateOf: null });
    expect(untrackedCopy).toMatchObject({ reason: expect.stringContaining('not tracked (maxTrackedIds 1)') });
    expect(fresh.kind).toBe('promote');
  });

  it('finds every copy with ids untracked', () => {
    // 2,000 distinct texts through a filter sized for 100 documents, so the chain grows several times.
    const operator = new ExactDedupOperator(parseExactDedupConfig({ maxTrackedIds: 0, expectedDocuments: 100 }));
    const texts = Array.from({ length: 2000 }, (_, i) => `document number ${i}`);
    const firstPass = texts.map((text, i) => run(operator, makeRecord(text, { id: `a${i}` })).kind);
    const secondPass = texts.map((text, i) => run(operator, makeRecord(text, { id: `b${i}` })).kind);

    expect(firstPass.filter((kind) => kind === 'reject')).toHaveLength(0);
    expect(secondPass.filter((kind) => kind === 'promote')).toHaveLength(0);
  });

  it('finds the exact pair in the dedup demo', () => {
    // Lines 7 and 12 are the same sentence; the other lines differ at least in one character.
    const texts = readFileSync(DEMO_DEDUP, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { text: string }).text);
    const operator = new ExactDedupOperator();
    const rejected = texts
      .map((text, i) => ({ line: i + 1, outcome: run(operator, makeRecord(text, { id: `line-${i + 1}` })) }))
      .filter(({ outcome }) => outcome.kind === 'reject');

    expect(rejected.map(({ line }) => line)).toEqual([12]);
    expect(rejected[0]!.outcome).toMatchObject({ duplicateOf: 'line-7' });
  });

  it('leaves the record unchanged', () => {
    const record = makeRecord('text', { id: 'a' });
    const before = structuredClone(record);
    run(new ExactDedupOperator(), record);

    expect(record).toEqual(before);
  });
});

describe('parseExactDedupConfig', () => {
  it('fills in defaults', () => {
    expect(parseExactDedupConfig({})).toEqual({
      scope: 'dataset',
      expectedDocuments: 100_000,
      falsePositiveRate: 1e-6,
      maxTrackedIds: 1_000_000,
    });
  });

  it('names the path and value of a bad option', () => {
    expect(() => parseExactDedupConfig({ scope: 'dump' })).toThrow(ConfigError);
    expect(() => parseExactDedupConfig({ scope: 'dump' })).toThrow(
      `exact-dedup.scope must be 'dataset' or 'global', got "dump"`,
    );
    expect(() => parseExactDedupConfig({ expectedDocuments: 0 })).toThrow(
      'exact-dedup.expectedDocuments must be a positive integer, got 0',
    );
    expect(() => parseExactDedupConfig({ falsePositiveRate: 0 })).toThrow(
      'exact-dedup.falsePositiveRate must be greater than 0, got 0',
    );
    expect(() => parseExactDedupConfig({ maxTrackedIds: -1 })).toThrow(
      'exact-dedup.maxTrackedIds must be a non-negative integer, got -1',
    );
  });

  it('rejects a non-object', () => {
    expect(() => parseExactDedupConfig(5)).toThrow('exact-dedup options must be an object, got 5');
  });
});

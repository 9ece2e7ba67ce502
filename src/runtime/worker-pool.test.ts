import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineError, isRetriable } from '../core/errors.js';
import type { TierRecord } from '../core/record.js';
import { makeRecord } from '../core/testing.js';
import { OperatorWorkerPool } from './worker-pool.js';

const FIXTURE = new URL('../../test/fixtures/pool-worker.mjs', import.meta.url);
const SPECS = [
  { operator: 'first', config: {} },
  { operator: 'second', config: {} },
];

function record(text: string): TierRecord {
  return makeRecord(text, { id: `doc-${text}` });
}

describe('OperatorWorkerPool', () => {
  let pool: OperatorWorkerPool;
  afterEach(() => pool.close());

  it('runs a chain in one request', async () => {
    pool = new OperatorWorkerPool('filter', SPECS, 2, pino({ level: 'silent' }), FIXTURE);
    const [first] = await pool.process([0, 1], record('hello'));
    expect(first!.kind).toBe('promote');
    const promoted = first!.record;
    promoted.lineage.push({ operator: 'first', version: '1', time: 0, action: 'promote', parentId: null, details: null });

    const [second] = await pool.process([1], promoted);

    expect(second!.kind).toBe('promote');
    expect(second!.record.signals.second_request).toBe(second!.record.signals.first_request);
    expect(second!.record.lineage.map((entry) => entry.operator)).toEqual(['first']);
  });

  it('stops the chain at a rejection', async () => {
    pool = new OperatorWorkerPool('filter', SPECS, 1, pino({ level: 'silent' }), FIXTURE);
    const [outcome] = await pool.process([0, 1], record('reject-first'));

    expect(outcome).toMatchObject({ kind: 'reject', rule: 'first_rule' });
  });

  it('asks the worker again for a record it did not see', async () => {
    pool = new OperatorWorkerPool('filter', SPECS, 1, pino({ level: 'silent' }), FIXTURE);
    const [outcome] = await pool.process([1], record('reject-second'));

    expect(outcome).toMatchObject({ kind: 'reject', rule: 'second_rule' });
  });

  it('rebuilds operator errors', async () => {
    pool = new OperatorWorkerPool('filter', SPECS, 1, pino({ level: 'silent' }), FIXTURE);
    const plain = await pool.process([0, 1], record('throw')).catch((err: unknown) => err);
    const retriable = await pool.process([0, 1], record('throw-retriable')).catch((err: unknown) => err);

    expect((plain as Error).message).toBe('first cannot read this record');
    expect(isRetriable(plain)).toBe(false);
    expect(retriable).toBeInstanceOf(EngineError);
    expect(isRetriable(retriable)).toBe(true);
  });

  it('fails records of a dead worker as retriable and starts another', async () => {
    pool = new OperatorWorkerPool('filter', SPECS, 1, pino({ level: 'silent' }), FIXTURE);
    const crashed = await pool.process([0, 1], record('crash')).catch((err: unknown) => err);

    expect(crashed).toBeInstanceOf(EngineError);
    expect((crashed as EngineError).code).toBe('TIERS_WORKER_FAILED');
    expect(isRetriable(crashed)).toBe(true);
    const [after] = await pool.process([0, 1], record('hello'));
    expect(after!.kind).toBe('promote');
  });

  it('rejects records after close', async () => {
    pool = new OperatorWorkerPool('filter', SPECS, 1, pino({ level: 'silent' }), FIXTURE);
    await pool.close();

    await expect(pool.process([0], record('hello'))).rejects.toThrow(/closed/);
  });
});

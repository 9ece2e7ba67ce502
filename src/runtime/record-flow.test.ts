import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Operator, Outcome } from '../core/operator.js';
import type { TierRecord } from '../core/record.js';
import { makeRecord } from '../core/testing.js';
import { flowRecords, type FlowSteps } from './record-flow.js';

type Decide = (record: TierRecord) => Outcome[] | Promise<Outcome[]>;

function op(name: string, concurrency: number | undefined, decide: Decide): Operator {
  return { name, version: '1.0.0', rules: ['no'], concurrency, process: decide };
}

/** Steps that record what each operator saw and pass rejections through as outputs. */
function recordingSteps(operators: Operator[], seen: string[][]): FlowSteps<string[]> {
  return {
    decide: async (i, input) => {
      seen[i]!.push(input.id);
      return operators[i]!.process(input, { log: undefined as never });
    },
    apply: async (_i, inputs, decisions) => {
      const next: TierRecord[] = [];
      const rejected: string[] = [];
      decisions.forEach((outcomes, j) => {
        for (const outcome of outcomes) {
          if (outcome.kind === 'reject') rejected.push(`${inputs[j]!.id}:${outcome.rule}`);
          else next.push(outcome.record);
        }
      });
      return { next, output: rejected };
    },
  };
}

/** Runs each operator over every record before the next starts: the batch-wide reference. */
async function batchWide(records: TierRecord[], operators: Operator[]) {
  let current = records;
  const rejected: string[] = [];
  for (const operator of operators) {
    const next: TierRecord[] = [];
    for (const input of current) {
      for (const outcome of await operator.process(input, { log: undefined as never })) {
        if (outcome.kind === 'reject') rejected.push(`${input.id}:${outcome.rule}`);
        else next.push(outcome.record);
      }
    }
    current = next;
  }
  return { survivors: current.map((r) => r.id), rejected };
}

const records = (n: number) => Array.from({ length: n }, (_, i) => makeRecord(`text ${i}`, { id: `r${i}` }));

/** A delay that differs per record, so concurrent calls finish out of input order. */
const jitter = (record: TierRecord) => sleep((Number(record.id.replace(/\D+/g, '')) * 7) % 5);

/** Builds an order-dependent operator that keeps a record only when its digit-sum key is new. */
function firstSeen(): Operator {
  const seen = new Set<number>();
  return op('first-seen', undefined, (record) => {
    const key = [...record.id].reduce((sum, c) => sum + (/\d/.test(c) ? Number(c) : 0), 0) % 4;
    if (seen.has(key)) return [{ kind: 'reject', record, rule: 'seen', reason: 'seen' }];
    seen.add(key);
    return [{ kind: 'promote', record }];
  });
}

const slowPromote = (name: string, concurrency: number) =>
  op(name, concurrency, async (record) => {
    await jitter(record);
    return [{ kind: 'promote', record }];
  });

const dropEveryThird = op('drop-third', 2, async (record) => {
  await jitter(record);
  return Number(record.id.slice(1)) % 3 === 0 ? [{ kind: 'reject', record, rule: 'third', reason: 'third' }] : [{ kind: 'promote', record }];
});

const splitInTwo = op('split', 3, async (record) => {
  await jitter(record);
  return [
    { kind: 'emit', record: { ...record, id: `${record.id}a`, lineage: [] } },
    { kind: 'emit', record: { ...record, id: `${record.id}b`, lineage: [] } },
  ];
});

describe('flowRecords', () => {
  it('matches a batch-wide run', async () => {
    const build = () => [slowPromote('slow', 4), dropEveryThird, splitInTwo, firstSeen(), slowPromote('slow-2', 3)];
    const expected = await batchWide(records(23), build());
    const operators = build();
    const seen = operators.map(() => [] as string[]);
    const { survivors, outputs } = await flowRecords(records(23), operators, recordingSteps(operators, seen));
    expect(survivors.map((r) => r.id)).toEqual(expected.survivors);
    expect(outputs.flatMap((perRecord) => perRecord.flatMap((r) => r ?? []))).toEqual(expected.rejected);
    expect(expected.rejected.some((r) => r.endsWith(':seen'))).toBe(true);
  });

  it('keeps batch order at concurrency 1', async () => {
    const operators = [slowPromote('slow', 8), firstSeen()];
    const seen = operators.map(() => [] as string[]);
    await flowRecords(records(20), operators, recordingSteps(operators, seen));
    expect(seen[1]).toEqual(records(20).map((r) => r.id));
  });

  it('limits calls in flight', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const limited = op('limited', 3, async (record) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await sleep(2);
      inFlight--;
      return [{ kind: 'promote', record }];
    });
    const { survivors } = await flowRecords(records(12), [limited], recordingSteps([limited], [[]]));
    expect(survivors).toHaveLength(12);
    expect(maxInFlight).toBe(3);
  });

  it('overlaps consecutive operators', async () => {
    const events: string[] = [];
    const first = op('first', 2, async (record) => {
      await sleep(3);
      events.push(`first ${record.id}`);
      return [{ kind: 'promote', record }];
    });
    const second = op('second', undefined, (record) => {
      events.push(`second ${record.id}`);
      return [{ kind: 'promote', record }];
    });
    await flowRecords(records(6), [first, second], recordingSteps([first, second], [[], []]));
    expect(events.indexOf('second r0')).toBeLessThan(events.indexOf('first r5'));
  });

  it('keeps order past a rejected record', async () => {
    const rejectSecond = op('reject-second', undefined, (record) =>
      record.id === 'r1' ? [{ kind: 'reject', record, rule: 'no', reason: 'no' }] : [{ kind: 'promote', record }],
    );
    const slowFirst = op('slow-first', 4, async (record) => {
      await sleep(record.id === 'r0' ? 20 : 0);
      return [{ kind: 'promote', record }];
    });
    const operators = [rejectSecond, slowFirst, firstSeen()];
    const seen = operators.map(() => [] as string[]);
    const { survivors } = await flowRecords(records(5), operators, recordingSteps(operators, seen));
    expect(seen[2]).toEqual(['r0', 'r2', 'r3', 'r4']);
    // first-seen keys records by digit sum modulo 4, so r4 repeats r0's key.
    expect(survivors.map((r) => r.id)).toEqual(['r0', 'r2', 'r3']);
  });

  it('stops at the first error', async () => {
    let settled = 0;
    const calls: string[] = [];
    const failing = op('failing', 4, async (record) => {
      calls.push(record.id);
      if (record.id === 'r2') throw new Error('model endpoint down');
      await sleep(5);
      settled++;
      return [{ kind: 'promote', record }];
    });
    const after = op('after', undefined, (record) => {
      calls.push(`after ${record.id}`);
      return [{ kind: 'promote', record }];
    });
    await expect(flowRecords(records(10), [failing, after], recordingSteps([failing, after], [[], []]))).rejects.toThrow('model endpoint down');
    // r0, r1 and r3 were in flight with r2. No later record started, and none reached `after`.
    expect(calls).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(settled).toBe(3);
  });
});

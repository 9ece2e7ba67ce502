import { Semaphore } from '../core/semaphore.js';
import type { Operator, Outcome } from '../core/operator.js';
import type { TierRecord } from '../core/record.js';

/** Result of applying one operator's decisions: the records that go on, and the caller's own output. */
export interface Applied<T> {
  next: TierRecord[];
  output: T;
}

export interface FlowSteps<T> {
  /** Asks operator `operator` for its decision on `input`. */
  decide(operator: number, input: TierRecord): Promise<Outcome[]>;
  /**
   * Turns the decisions of operator `operator` for `inputs` (in order) into the records that
   * go on to the next operator and an output of the caller's choice (rejections, say).
   */
  apply(operator: number, inputs: TierRecord[], decisions: Outcome[][]): Promise<Applied<T>>;
}

export interface FlowResult<T> {
  /** Records that every operator promoted or emitted, in the order a batch-wide run would give. */
  survivors: TierRecord[];
  /** `outputs[i][j]`: what `apply` returned for operator i and the records that batch record j became. */
  outputs: (T | undefined)[][];
}

/**
 * Runs each record of a batch through the operators on its own, so one record can be at a
 * later operator while the next is still at an earlier one. With operators on worker threads
 * this keeps the main thread and the workers busy at the same time: a batch-wide pass per
 * operator would make each wait for the other at every operator boundary.
 *
 * The outcome is the same as running each operator over the whole batch before the next:
 * - An operator whose concurrency is 1 (dedup and every other stateful one) gets records in
 *   batch order, because record j waits at it until record j − 1 has left it.
 * - Other operators have at most `concurrency` calls in flight.
 * - The records one input becomes go through each operator together and in order. Survivors
 *   and outputs are indexed by input record, so the caller can put them in batch order.
 *
 * The first error stops every record before its next operator. It is thrown once the calls
 * already started have settled, so none is left running.
 */
export async function flowRecords<T>(records: readonly TierRecord[], operators: readonly Operator[], steps: FlowSteps<T>): Promise<FlowResult<T>> {
  const ordered = operators.map((op) => (op.concurrency ?? 1) <= 1);
  const slots = operators.map((op, i) => (ordered[i] ? null : new Semaphore(Math.floor(op.concurrency!))));
  const outputs: (T | undefined)[][] = operators.map(() => new Array<T | undefined>(records.length));
  const survivors: TierRecord[][] = new Array<TierRecord[]>(records.length);
  let failure: { error: unknown } | undefined;

  // Records the failure before the call's slot passes to a waiting record, so that one stops.
  const decide = async (i: number, input: TierRecord): Promise<Outcome[]> => {
    if (failure !== undefined) throw failure.error;
    try {
      return await steps.decide(i, input);
    } catch (error) {
      failure ??= { error };
      throw error;
    }
  };

  // `turns[i]` settles once the last record queued for ordered operator i has left it.
  const turns: Promise<void>[] = operators.map(() => Promise.resolve());

  const flow = async (index: number): Promise<void> => {
    // Claims this record's place at every ordered operator before any await, so places follow batch order.
    const waits = turns.slice();
    const leaves = operators.map((_, i) => {
      if (!ordered[i]) return null;
      let leave!: () => void;
      turns[i] = new Promise<void>((resolve) => (leave = resolve));
      return leave;
    });
    let current = [records[index]!];
    try {
      for (let i = 0; i < operators.length && current.length > 0; i++) {
        if (ordered[i]) await waits[i];
        if (failure !== undefined) return;
        const decisions = ordered[i]
          ? await decideInOrder(current, (input) => decide(i, input))
          : await Promise.all(current.map((input) => slots[i]!.run(() => decide(i, input))));
        leaves[i]?.();
        const applied = await steps.apply(i, current, decisions);
        outputs[i]![index] = applied.output;
        current = applied.next;
      }
      survivors[index] = current;
    } catch (error) {
      failure ??= { error };
    } finally {
      // A record that stopped early leaves each ordered operator it did not reach once the
      // record before it has left that operator, so the one after it still waits for both.
      leaves.forEach((leave, i) => {
        if (leave) void waits[i]!.then(leave);
      });
    }
  };

  await Promise.all(records.map((_, index) => flow(index)));
  if (failure) throw failure.error;
  return { survivors: survivors.flat(), outputs };
}

async function decideInOrder(inputs: TierRecord[], decide: (input: TierRecord) => Promise<Outcome[]>): Promise<Outcome[][]> {
  const decisions: Outcome[][] = [];
  for (const input of inputs) decisions.push(await decide(input));
  return decisions;
}

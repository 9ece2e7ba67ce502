/**
 * Runs a stage's stateless CPU-bound operators on worker threads, so one stage process can use
 * more than one core. Stateful operators (dedup) and model-driven ones stay on the main thread:
 * their memory or client cannot be shared. The runtime still applies every outcome in input
 * order, so the outputs do not depend on the number of workers.
 */

import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { EngineError } from '../core/errors.js';
import type { Operator, Outcome } from '../core/operator.js';
import type { TierRecord } from '../core/record.js';
import type { StageSpec } from '../topologies/types.js';
import type { OperatorConfigs } from '../operators/index.js';
import { WORKER_OPERATORS } from '../operators/worker-operators.js';
import { mergeConfig } from '../operators/merge.js';
import type { PooledOperatorSpec, WorkerData, WorkerError, WorkerReply, WorkerRequest } from './worker-protocol.js';

/** Records in flight per worker, so a worker has the next record queued while a reply crosses threads. */
const IN_FLIGHT_PER_WORKER = 4;

/** Most worker threads per stage that the CLI accepts. */
export const MAX_WORKERS = 64;

interface Pending {
  operators: number[];
  resolve: (outcomes: Outcome[]) => void;
  reject: (err: Error) => void;
}

interface PoolWorker {
  thread: Worker;
  pending: Map<number, Pending>;
}

/** A later operator's decision that a worker made ahead of the runtime's request for it. */
interface Ahead {
  operator: number;
  outcomes: Outcome[] | null;
  error: Error | null;
}

export class OperatorWorkerPool {
  private readonly workers: (PoolWorker | null)[];
  /**
   * Decisions made ahead, keyed by the record object that the runtime will pass to that
   * operator: the one the previous operator promoted. A record the runtime drops is collected.
   */
  private readonly ahead = new WeakMap<TierRecord, Ahead>();
  private nextId = 0;
  private closed = false;

  /** `workerScript` is the worker's entry module; tests pass a stand-in. */
  constructor(
    private readonly stage: string,
    private readonly specs: PooledOperatorSpec[],
    readonly size: number,
    private readonly log: Logger,
    private readonly workerScript: URL = new URL('./operator-worker.js', import.meta.url),
  ) {
    this.workers = Array.from({ length: size }, () => null);
  }

  /**
   * Decides `record` with the pooled operator `operators[0]` (an index into the specs). The
   * worker also runs the rest of `operators` on the promoted record, so the runtime's requests
   * for those operators are resolved without another trip to a worker.
   */
  process(operators: number[], record: TierRecord): Promise<Outcome[]> {
    const early = this.ahead.get(record);
    if (early !== undefined && early.operator === operators[0]) {
      this.ahead.delete(record);
      if (early.error !== null) return Promise.reject(early.error);
      // The worker's copy lacks the lineage entry that the runtime added for the previous operator.
      for (const outcome of early.outcomes!) if (outcome.kind !== 'emit') outcome.record.lineage = record.lineage;
      return Promise.resolve(early.outcomes!);
    }
    if (this.closed) return Promise.reject(new Error(`the worker pool of stage ${this.stage} is closed`));
    const slot = this.leastBusy();
    const worker = this.workers[slot] ?? this.start(slot);
    const id = this.nextId++;
    return new Promise<Outcome[]>((resolve, reject) => {
      if (worker.pending.size === 0) worker.thread.ref();
      worker.pending.set(id, { operators, resolve, reject });
      const request: WorkerRequest = { id, operators, record };
      worker.thread.postMessage(request);
    });
  }

  /** Stops every worker. Records still in flight fail. */
  async close(): Promise<void> {
    this.closed = true;
    const running = this.workers.filter((worker): worker is PoolWorker => worker !== null);
    this.workers.fill(null);
    await Promise.all(running.map((worker) => worker.thread.terminate()));
  }

  private leastBusy(): number {
    let best = 0;
    let bestLoad = Infinity;
    for (let slot = 0; slot < this.workers.length; slot++) {
      const load = this.workers[slot]?.pending.size ?? 0;
      if (load < bestLoad) {
        best = slot;
        bestLoad = load;
      }
    }
    return best;
  }

  private start(slot: number): PoolWorker {
    const workerData: WorkerData = { stage: this.stage, index: slot, logLevel: this.log.level, specs: this.specs };
    const thread = new Worker(this.workerScript, { workerData });
    // An idle worker must not keep the process alive; process() refs it while records are out.
    thread.unref();
    const worker: PoolWorker = { thread, pending: new Map() };
    this.workers[slot] = worker;

    thread.on('message', (reply: WorkerReply) => {
      const pending = worker.pending.get(reply.id);
      if (pending === undefined) return;
      worker.pending.delete(reply.id);
      if (worker.pending.size === 0) thread.unref();
      this.settle(pending, reply);
    });
    thread.on('error', (err) => this.fail(slot, worker, err));
    thread.on('exit', (code) => this.fail(slot, worker, new Error(`exited with code ${code}`)));
    this.log.info({ stage: this.stage, worker: slot, operators: this.specs.map((spec) => spec.operator) }, 'operator worker started');
    return worker;
  }

  /** Resolves the request for the chain's first operator and keeps the later decisions ahead. */
  private settle(pending: Pending, reply: WorkerReply): void {
    const error = reply.error === undefined ? null : replyError(reply.error);
    for (let j = 1; j <= reply.decisions.length && j < pending.operators.length; j++) {
      // Decision j - 1 promoted exactly one record, or the chain would have stopped before j.
      const promoted = reply.decisions[j - 1]![0]!.record;
      const outcomes = reply.decisions[j] ?? null;
      if (outcomes === null && error === null) break;
      this.ahead.set(promoted, { operator: pending.operators[j]!, outcomes, error: outcomes === null ? error : null });
    }
    const first = reply.decisions[0];
    if (first === undefined) pending.reject(error ?? new Error('operator worker returned no decision'));
    else pending.resolve(first);
  }

  /**
   * Fails the records a dead worker held. The error is retriable, so the batch is consumed
   * again, and the next record starts a new worker in the slot.
   */
  private fail(slot: number, worker: PoolWorker, err: Error): void {
    if (this.workers[slot] === worker) this.workers[slot] = null;
    if (this.closed || worker.pending.size === 0) return;
    this.log.error({ err, stage: this.stage, worker: slot, inFlight: worker.pending.size }, 'operator worker failed; its records will be processed again');
    const failure = new EngineError('TIERS_WORKER_FAILED', `operator worker ${slot} of stage ${this.stage} failed: ${err.message}`, {
      retriable: true,
      cause: err,
    });
    for (const pending of worker.pending.values()) pending.reject(failure);
    worker.pending.clear();
  }
}

function replyError(error: WorkerError): Error {
  return error.code === null ? new Error(error.message) : new EngineError(error.code, error.message, { retriable: error.retriable });
}

/** A stage's operators with the pooled ones replaced by proxies, and the pool to close afterwards. */
export interface ParallelOperators {
  operators: Operator[];
  pool: OperatorWorkerPool | null;
}

/**
 * Moves the stage's operators that WORKER_OPERATORS lists onto `workers` worker threads.
 * `operators` are the stage's operators built on the main thread, which validated their
 * configs and still provide names, versions and rules. With 0 workers nothing changes.
 */
export function parallelizeStage(stage: StageSpec, operators: Operator[], overrides: OperatorConfigs, workers: number, log: Logger): ParallelOperators {
  const pooledIndexes = stage.operators.flatMap((spec, i) => (WORKER_OPERATORS.has(spec.operator) ? [i] : []));
  if (workers === 0 || pooledIndexes.length === 0) return { operators, pool: null };

  // The same raw configs that createStageOperators gave the main thread's copies.
  const specs = pooledIndexes.map((i) => {
    const spec = stage.operators[i]!;
    return { operator: spec.operator, config: mergeConfig(spec.config, overrides[spec.operator]) };
  });
  const pool = new OperatorWorkerPool(stage.name, specs, workers, log);
  const parallel = operators.map((local, i): Operator => {
    const index = pooledIndexes.indexOf(i);
    if (index === -1) return local;
    // The pooled operators that follow this one without a main-thread operator between them.
    let chainEnd = index + 1;
    while (chainEnd < pooledIndexes.length && pooledIndexes[chainEnd] === i + (chainEnd - index)) chainEnd++;
    const chain = Array.from({ length: chainEnd - index }, (_, k) => index + k);
    return {
      name: local.name,
      version: local.version,
      rules: local.rules,
      concurrency: workers * IN_FLIGHT_PER_WORKER,
      process: (record) => pool.process(chain, record),
    };
  });
  return { operators: parallel, pool };
}

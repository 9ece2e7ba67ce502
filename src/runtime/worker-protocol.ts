/** Messages between OperatorWorkerPool and its worker threads. */

import type { ErrorCode } from '../core/errors.js';
import type { Outcome } from '../core/operator.js';
import type { TierRecord } from '../core/record.js';

/** One pooled operator, by registered name, with its config already merged and validated. */
export interface PooledOperatorSpec {
  operator: string;
  config: unknown;
}

/** Startup data of a worker thread. */
export interface WorkerData {
  stage: string;
  index: number;
  logLevel: string;
  specs: PooledOperatorSpec[];
}

/**
 * A record for a chain of operators, by index in the worker's spec list. Each operator gets
 * the record the previous one promoted; the chain stops at the first other decision.
 */
export interface WorkerRequest {
  id: number;
  operators: number[];
  record: TierRecord;
}

/** An error an operator threw, described well enough to rebuild it. */
export interface WorkerError {
  message: string;
  retriable: boolean;
  code: ErrorCode | null;
}

/** The decision of each operator of the chain that ran, and the error that stopped it, if any. */
export interface WorkerReply {
  id: number;
  decisions: Outcome[][];
  error?: WorkerError;
}

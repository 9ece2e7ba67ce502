/**
 * Entry point of a worker thread of OperatorWorkerPool. It builds its own copies of the
 * pooled operators from their validated configs, then decides each record the main thread
 * sends and posts the outcomes back.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { EngineError, errorMessage, isRetriable } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import type { Operator, Outcome } from '../core/operator.js';
import { createOperator } from '../operators/index.js';
import type { WorkerData, WorkerReply, WorkerRequest } from './worker-protocol.js';

const data = workerData as WorkerData;
const log = createLogger({ stage: data.stage, worker: data.index }, data.logLevel);
const operators: Operator[] = data.specs.map((spec) => createOperator(spec.operator, spec.config, {}));
const port = parentPort!;

/** True for the one decision that lets the record go on to the chain's next operator. */
function isSinglePromote(outcomes: Outcome[]): boolean {
  return outcomes.length === 1 && outcomes[0]!.kind === 'promote';
}

async function decide(request: WorkerRequest): Promise<WorkerReply> {
  const decisions: Outcome[][] = [];
  let record = request.record;
  for (const index of request.operators) {
    try {
      const outcomes = await operators[index]!.process(record, { log });
      decisions.push(outcomes);
      if (!isSinglePromote(outcomes)) break;
      record = outcomes[0]!.record;
    } catch (err) {
      const code = err instanceof EngineError ? err.code : null;
      return { id: request.id, decisions, error: { message: errorMessage(err), retriable: isRetriable(err), code } };
    }
  }
  return { id: request.id, decisions };
}

port.on('message', (request: WorkerRequest) => {
  void decide(request).then((reply) => port.postMessage(reply));
});
log.debug({ operators: data.specs.map((spec) => spec.operator) }, 'operator worker started');

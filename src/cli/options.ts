import { InvalidArgumentError } from 'commander';
import { WORKER_OPERATORS } from '../operators/worker-operators.js';
import { MAX_WORKERS } from '../runtime/worker-pool.js';

/** Commander parser for options that take a positive integer. */
export function positiveInt(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) {
      throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}".`);
    }
    return parsed;
  };
}

/** Commander parser for a number of seconds greater than zero. */
export function positiveSeconds(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) {
      throw new InvalidArgumentError(`${name} must be a number of seconds greater than 0, got "${value}".`);
    }
    return parsed;
  };
}

/** Commander parser for a TCP port; 0 lets the system choose a free one. */
export function port(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
      throw new InvalidArgumentError(`${name} must be a TCP port from 0 to 65535, got "${value}".`);
    }
    return parsed;
  };
}

/** Commander parser for --workers: worker threads per stage, from 0 (main thread only) to MAX_WORKERS. */
export function workerCount(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > MAX_WORKERS) {
      throw new InvalidArgumentError(`${name} must be an integer from 0 to ${MAX_WORKERS}, got "${value}". Use about one worker per spare core.`);
    }
    return parsed;
  };
}

/** Help text of --workers, shared by `tiers run` and `tiers up`. */
export const WORKERS_HELP = `worker threads per stage for its stateless operators (${[...WORKER_OPERATORS].join(', ')}); 0 runs them on the main thread`;

/** Default partitions per topic on Kafka; raise it to run more operator processes per stage. */
export const DEFAULT_PARTITIONS = 3;
/** Records handed to a stage at a time. */
export const DEFAULT_BATCH_SIZE = 256;

/**
 * Resolves with the signal name when SIGINT or SIGTERM arrives, so the caller can finish the
 * batch in progress. A second signal exits at once with status 130. That is safe because
 * offsets of an unfinished batch are never committed, so its records are consumed again.
 */
export function shutdownSignal(onSignal?: (signal: string) => void): Promise<string> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals) => {
      if (received) {
        process.stderr.write(`tiers: ${signal} again, exiting without waiting for the batch in progress\n`);
        process.exit(130);
      }
      received = true;
      onSignal?.(signal);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

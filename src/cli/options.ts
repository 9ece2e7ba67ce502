import { InvalidArgumentError } from 'commander';

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

/** Commander parser for a non-negative number of seconds. */
export function seconds(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0) {
      throw new InvalidArgumentError(`${name} must be a number of seconds (0 or more), got "${value}".`);
    }
    return parsed;
  };
}

/** Default partitions per topic on Kafka; raise it to run more operator processes per stage. */
export const DEFAULT_PARTITIONS = 3;
/** Records handed to a stage at a time. */
export const DEFAULT_BATCH_SIZE = 256;

/**
 * Resolves when SIGINT or SIGTERM arrives and passes the signal name; later signals while
 * shutting down are logged and ignored so a batch in progress can finish.
 */
export function shutdownSignal(onSignal?: (signal: string) => void): Promise<string> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals) => {
      if (received) return;
      received = true;
      onSignal?.(signal);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

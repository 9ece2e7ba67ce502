import { pino, type Logger } from 'pino';

/**
 * Root logger: JSON lines on stderr so stdout stays free for `tiers tap` output.
 * Level from TIERS_LOG_LEVEL (trace, debug, info, warn, error, fatal, silent); default info.
 */
export function createLogger(bindings: Record<string, unknown> = {}): Logger {
  const level = process.env.TIERS_LOG_LEVEL ?? 'info';
  return pino({ level, base: { ...bindings }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
}

export type { Logger };

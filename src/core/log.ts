import { pino, type Logger } from 'pino';

/**
 * Creates the root logger: JSON lines on stderr so stdout stays free for `tiers tap` output.
 * The level comes from TIERS_LOG_LEVEL (trace, debug, info, warn, error, fatal, silent), else `defaultLevel`.
 */
export function createLogger(bindings: Record<string, unknown> = {}, defaultLevel = 'info'): Logger {
  const level = process.env.TIERS_LOG_LEVEL ?? defaultLevel;
  return pino({ level, base: { ...bindings }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
}

export type { Logger };

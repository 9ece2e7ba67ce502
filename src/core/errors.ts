/** Error codes the engine raises itself. */
export const ERROR_CODES = [
  'TIERS_CONFIG_INVALID',
  'TIERS_INPUT_UNREADABLE',
  'TIERS_RECORD_INVALID',
  'TIERS_TRANSPORT_FAILED',
  'TIERS_RETRIES_EXHAUSTED',
  'TIERS_LLM_UNAVAILABLE',
  'TIERS_LLM_REQUEST_INVALID',
  'TIERS_STATE_CORRUPT',
  'TIERS_WORKER_FAILED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly context: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { retriable?: boolean; cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.context = options.context ?? {};
  }
}

/** Invalid configuration: the process must not start. */
export class ConfigError extends EngineError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('TIERS_CONFIG_INVALID', message, { context });
  }
}

/** One record or message that cannot be decoded or used; it goes to the DLQ or the rejected topic. */
export class RecordError extends EngineError {
  constructor(message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super('TIERS_RECORD_INVALID', message, options);
  }
}

/**
 * Some inputs could not be read although the run finished with the rest. The CLI exits
 * with status 3 so scripts can tell this apart from success and from a failed run.
 */
export class InputsFailedError extends EngineError {
  constructor(failedFiles: string[]) {
    const more = failedFiles.length > 5 ? `, and ${failedFiles.length - 5} more` : '';
    const listed = failedFiles.slice(0, 5).join(', ') + more;
    const message = `${failedFiles.length} input file(s) could not be read: ${listed}. The other inputs were processed, and the log has each file's error.`;
    super('TIERS_INPUT_UNREADABLE', message, { context: { failedFiles } });
  }
}

/** Returns true when an error in the cause chain is marked retriable and none is marked non-retriable. */
export function isRetriable(err: unknown): boolean {
  let current: unknown = err;
  let sawRetriable = false;
  while (current instanceof Error) {
    if (current instanceof EngineError) {
      if (!current.retriable) return false;
      sawRetriable = true;
    }
    current = current.cause;
  }
  return sawRetriable;
}

/** Message of any thrown value, for logs and rejection reasons. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

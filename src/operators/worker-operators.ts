import { HTML_EXTRACT_NAME } from './html-extract/config.js';
import { LANGID_NAME } from './langid/config.js';

/**
 * Operators that remember nothing between records and need no model client, so worker
 * threads can run copies of them (see runtime/worker-pool.ts). This module imports only
 * names, so the CLI can list them in its help without loading the operators.
 */
export const WORKER_OPERATORS: ReadonlySet<string> = new Set([HTML_EXTRACT_NAME, 'normalize', LANGID_NAME, 'heuristic-filter']);

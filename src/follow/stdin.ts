import { readJsonLines } from '../io/jsonl-reader.js';
import { resolveReadOptions } from '../io/read-inputs.js';
import type { ReadItem, ReadOptions } from '../io/types.js';

/** The name `tiers ingest` takes for standard input. */
export const STDIN_INPUT = '-';

/**
 * Reads JSON lines from standard input with the JSON-lines reader. A line without an `id`
 * field gets the id hash of `stdin:<line number>:<text>`, and the dataset defaults to `stdin`.
 * Dead letters name `stdin` as their origin.
 */
export function readStdinJsonLines(options: ReadOptions, input: AsyncIterable<Buffer> = process.stdin): AsyncGenerator<ReadItem> {
  const file = { path: 'stdin', fileName: 'stdin', stem: 'stdin', compression: 'none' as const };
  return readJsonLines(file, resolveReadOptions(options), input);
}

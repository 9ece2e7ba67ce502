/**
 * Inserts a dedup operator made since the snapshot or the last `take`, kept so the runtime can
 * write them to the changelog with the batch that caused them. Entries are JSON arrays, one
 * per inserted document; a batch of 500 documents makes a change of some tens of kilobytes.
 */
export class ChangeJournal<Entry> {
  private entries: Entry[] = [];

  push(entry: Entry): void {
    this.entries.push(entry);
  }

  /** Encodes and clears the entries, or returns null when there are none. */
  take(): Buffer | null {
    if (this.entries.length === 0) return null;
    const encoded = Buffer.from(JSON.stringify(this.entries));
    this.entries = [];
    return encoded;
  }

  clear(): void {
    this.entries = [];
  }
}

/** Parses a change written by `ChangeJournal.take`, checking only that it is an array of arrays. */
export function parseChange(changes: Buffer, operator: string): unknown[][] {
  const parsed: unknown = JSON.parse(changes.toString('utf8'));
  if (!Array.isArray(parsed) || !parsed.every(Array.isArray)) {
    throw new Error(`a ${operator} change on the changelog is not a list of entries`);
  }
  return parsed as unknown[][];
}

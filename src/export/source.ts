import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError } from '../core/errors.js';
import type { Tier, TierRecord } from '../core/record.js';
import type { ExportSourceInfo } from './manifest.js';

/** Source of each tier's records: JSON-lines files read in the listed order. */
export interface TierSource {
  info: ExportSourceInfo;
  files(tier: Tier): string[];
  /** Removes temporary files the source made. */
  close(): Promise<void>;
}

/** Opens the tier files a `tiers run --out DIR` wrote (`DIR/l1.jsonl` and so on), checking that each exists. */
export async function directorySource(dir: string, tiers: Tier[]): Promise<TierSource> {
  for (const tier of tiers) {
    const path = join(dir, `${tier}.jsonl`);
    try {
      await access(path);
    } catch {
      throw new ConfigError(
        `tier file ${path} not found: run \`tiers run INPUT... --out ${dir}\` first, or leave ${tier} out of --tiers or --weights`,
      );
    }
  }
  return { info: { kind: 'dir', dir }, files: (tier) => [join(dir, `${tier}.jsonl`)], close: async () => {} };
}

/** Reads tier records from JSON-lines files in order. An invalid line fails the export with its file and line. */
export async function* readTierRecords(files: string[]): AsyncGenerator<TierRecord> {
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber++;
      if (line.trim().length === 0) continue;
      yield parseRecordLine(line, file, lineNumber);
    }
  }
}

function parseRecordLine(line: string, file: string, lineNumber: number): TierRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new Error(`${file} line ${lineNumber} is not valid JSON (${(err as Error).message}): the tier file is damaged; run \`tiers run\` again`);
  }
  const record = value as Partial<TierRecord>;
  if (typeof record.id !== 'string' || typeof record.text !== 'string' || typeof record.tier !== 'string' || !record.source) {
    throw new Error(`${file} line ${lineNumber} is not a tier record (id, tier, text and source are required)`);
  }
  return record as TierRecord;
}

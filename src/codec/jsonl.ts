import type { DeadLetter, RejectedRecord, TierRecord } from '../core/record.js';

/** JSON-lines forms of the engine's records, for output files and `tiers tap`. */

export function tierRecordToJson(record: TierRecord): string {
  return JSON.stringify(record);
}

export function rejectedRecordToJson(rejected: RejectedRecord): string {
  return JSON.stringify(rejected);
}

/** Dead letters keep their raw bytes as base64 so any payload survives a text file. */
export function deadLetterToJson(letter: DeadLetter): string {
  return JSON.stringify({ ...letter, payload: letter.payload.toString('base64') });
}

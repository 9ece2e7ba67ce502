import { ConfigError } from '../core/errors.js';
import { TIERS, type Tier } from '../core/record.js';

/** Validation of `tiers export` settings. Every failure is a ConfigError naming the value and the fix. */

export const EXPORT_FORMATS = ['jsonl', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const SCHEDULES = ['staged', 'mixed'] as const;
export type Schedule = (typeof SCHEDULES)[number];

/** File name extension of a shard, by format. */
export const SHARD_EXTENSIONS: Record<ExportFormat, string> = { jsonl: 'jsonl.zst', parquet: 'parquet' };

/** Top-level fields of a tier record, which `--fields` may keep in JSON-lines shards. */
export const JSONL_FIELDS = ['id', 'tier', 'domain', 'lang', 'text', 'source', 'meta', 'signals', 'lineage'] as const;

/** Parquet columns, in file order. `signals` and `meta` hold JSON strings. */
export const PARQUET_COLUMNS = [
  'id',
  'tier',
  'domain',
  'lang',
  'text',
  'source_uri',
  'source_dataset',
  'source_dump',
  'signals',
  'meta',
] as const;

export function parseFormat(value: string): ExportFormat {
  const normalized = value === 'jsonl.zst' ? 'jsonl' : value;
  if (!(EXPORT_FORMATS as readonly string[]).includes(normalized)) {
    throw new ConfigError(`invalid --format "${value}": use jsonl (zstd-compressed JSON lines) or parquet`);
  }
  return normalized as ExportFormat;
}

export function parseSchedule(value: string): Schedule {
  if (!(SCHEDULES as readonly string[]).includes(value)) {
    throw new ConfigError(`invalid --schedule "${value}": use staged (one phase per tier) or mixed (with --weights)`);
  }
  return value as Schedule;
}

export function parseTier(value: string, option: string): Tier {
  const tier = value.trim().toLowerCase();
  if (!(TIERS as readonly string[]).includes(tier)) {
    throw new ConfigError(`unknown tier "${value}" in ${option}: use one of ${TIERS.join(', ')}`);
  }
  return tier as Tier;
}

/** Parses `l1,l2,l3` into tiers in the given order; a repeated tier is an error. */
export function parseTierList(value: string): Tier[] {
  const tiers = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => parseTier(part, '--tiers'));
  if (tiers.length === 0) throw new ConfigError(`--tiers "${value}" names no tier: give a list such as l1 or l1,l2`);
  const repeated = tiers.find((tier, i) => tiers.indexOf(tier) !== i);
  if (repeated) throw new ConfigError(`tier ${repeated} appears twice in --tiers "${value}": list each tier once`);
  return tiers;
}

/** Sampling weight of one tier in a mixed export. */
export interface TierWeight {
  tier: Tier;
  weight: number;
}

/** Parses `l1=0.6,l2=0.3,l3=0.1`. Weights must be finite and positive; they need not sum to 1. */
export function parseWeights(value: string): TierWeight[] {
  const weights: TierWeight[] = [];
  for (const part of value.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(part);
    if (!match) throw new ConfigError(`invalid --weights entry "${part}": write TIER=WEIGHT, such as l1=0.6`);
    const tier = parseTier(match[1]!, '--weights');
    const weight = Number(match[2]);
    if (!Number.isFinite(weight) || weight <= 0) {
      throw new ConfigError(`invalid weight "${match[2]}" for ${tier} in --weights: use a number greater than 0, or leave the tier out`);
    }
    if (weights.some((w) => w.tier === tier)) {
      throw new ConfigError(`tier ${tier} appears twice in --weights "${value}": give each tier one weight`);
    }
    weights.push({ tier, weight });
  }
  if (weights.length === 0) throw new ConfigError(`--weights "${value}" names no tier: write TIER=WEIGHT pairs such as l1=0.6,l2=0.4`);
  const sum = weights.reduce((total, w) => total + w.weight, 0);
  if (!(sum > 0) || !Number.isFinite(sum)) {
    throw new ConfigError(`--weights "${value}" must sum to a finite number greater than 0`);
  }
  return weights;
}

/** Parses `--fields` against the fields that the format can keep. */
export function parseFields(value: string, format: ExportFormat): string[] {
  const allowed: readonly string[] = format === 'parquet' ? PARQUET_COLUMNS : JSONL_FIELDS;
  const fields = value
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f.length > 0);
  if (fields.length === 0) throw new ConfigError(`--fields "${value}" names no field: use some of ${allowed.join(', ')}`);
  for (const field of fields) {
    if (!allowed.includes(field)) {
      throw new ConfigError(`unknown field "${field}" in --fields for ${format} shards: use some of ${allowed.join(', ')}`);
    }
  }
  const repeated = fields.find((field, i) => fields.indexOf(field) !== i);
  if (repeated) throw new ConfigError(`field ${repeated} appears twice in --fields: list each field once`);
  return fields;
}

/** Parses a count option that must be a positive integer, such as --shard-records. */
export function parsePositiveCount(value: string, option: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) {
    throw new ConfigError(`invalid ${option} "${value}": use a whole number of at least 1`);
  }
  return parsed;
}

/** Parses --seed: an integer from 0 to 2^53 - 1. */
export function parseSeed(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) {
    throw new ConfigError(`invalid --seed "${value}": use a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`);
  }
  return parsed;
}

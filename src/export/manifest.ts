import type { Tier, TierRecord } from '../core/record.js';
import type { TokenCounter } from './tokens.js';

/** Sizes of a set of records. */
export interface TextTotals {
  records: number;
  /** UTF-8 bytes of the records' `text` fields. */
  textBytes: number;
  /** Tokens of the `text` fields under the manifest's tokenizer encoding. */
  tokens: number;
}

export interface TierTotals extends TextTotals {
  /** Totals per source dataset (`source.dataset`), keys sorted. */
  datasets: Record<string, TextTotals>;
}

/** One shard file, with the path relative to the manifest's directory. */
export interface ShardEntry {
  file: string;
  records: number;
  /** Size of the file on disk. */
  bytes: number;
  sha256: string;
  /** Records per tier, for shards of a mixed export. */
  tiers?: Partial<Record<Tier, number>>;
}

/** Settings that, with the same input, reproduce the same shards byte for byte. */
export interface ExportSettings {
  format: 'jsonl' | 'parquet';
  compression: 'zstd';
  fields: string[] | null;
  tokenizer: string;
  seed: number;
  /** Shuffle buffer in records, or null when records keep their input order. */
  shuffleBuffer: number | null;
  shardRecords: number | null;
  shardBytes: number | null;
}

/** manifest.json of one directory of shards: a phase of a staged export, or a mixed export. */
export interface ShardManifest {
  version: 1;
  createdBy: string;
  schedule: 'staged' | 'mixed';
  name: string;
  /** Sampling weights of a mixed export, in the order given. */
  weights?: Array<{ tier: Tier; weight: number }>;
  settings: ExportSettings;
  source: ExportSourceInfo;
  totals: TextTotals;
  tiers: Partial<Record<Tier, TierTotals>>;
  shards: ShardEntry[];
}

export interface PhaseEntry {
  phase: number;
  tier: Tier;
  /** Directory of the phase, relative to the top-level manifest. */
  dir: string;
  manifest: string;
  totals: TextTotals;
}

/** Top-level manifest.json of a staged export: the phases in training order. */
export interface StagedManifest {
  version: 1;
  createdBy: string;
  schedule: 'staged';
  settings: ExportSettings;
  source: ExportSourceInfo;
  totals: TextTotals;
  tiers: Partial<Record<Tier, TierTotals>>;
  phases: PhaseEntry[];
}

export type ExportSourceInfo =
  | { kind: 'dir'; dir: string }
  | { kind: 'kafka'; prefix: string; topics: Record<string, Array<{ partition: number; high: string }>> };

function emptyTotals(): TextTotals {
  return { records: 0, textBytes: 0, tokens: 0 };
}

function addTotals(target: TextTotals, add: TextTotals): void {
  target.records += add.records;
  target.textBytes += add.textBytes;
  target.tokens += add.tokens;
}

/** Accumulates record, text-byte and token counts per tier and per source dataset. */
export class TotalsCounter {
  private readonly perTier = new Map<Tier, TierTotals>();

  constructor(private readonly countTokens: TokenCounter) {}

  /** Lists a tier with zero counts, so a tier without records still appears in the manifest. */
  ensure(tier: Tier): TierTotals {
    let totals = this.perTier.get(tier);
    if (!totals) {
      totals = { ...emptyTotals(), datasets: {} };
      this.perTier.set(tier, totals);
    }
    return totals;
  }

  /** Counts a record under the tier it was read from. */
  add(tier: Tier, record: TierRecord): void {
    const sizes = { records: 1, textBytes: Buffer.byteLength(record.text, 'utf8'), tokens: this.countTokens(record.text) };
    const totals = this.ensure(tier);
    addTotals(totals, sizes);
    const dataset = (totals.datasets[record.source.dataset] ??= emptyTotals());
    addTotals(dataset, sizes);
  }

  /** Returns the totals per tier with tiers and datasets in sorted key order, so the JSON is stable. */
  tiers(): Partial<Record<Tier, TierTotals>> {
    return mergeTierTotals([Object.fromEntries(this.perTier) as Partial<Record<Tier, TierTotals>>]);
  }
}

/** Sums totals per tier and dataset over several manifests, keys sorted. */
export function mergeTierTotals(parts: Array<Partial<Record<Tier, TierTotals>>>): Partial<Record<Tier, TierTotals>> {
  const merged = new Map<Tier, TierTotals>();
  for (const part of parts) {
    for (const [tier, totals] of Object.entries(part) as Array<[Tier, TierTotals]>) {
      let target = merged.get(tier);
      if (!target) {
        target = { ...emptyTotals(), datasets: {} };
        merged.set(tier, target);
      }
      addTotals(target, totals);
      for (const [name, dataset] of Object.entries(totals.datasets)) addTotals((target.datasets[name] ??= emptyTotals()), dataset);
    }
  }
  const result: Partial<Record<Tier, TierTotals>> = {};
  for (const tier of [...merged.keys()].sort()) {
    const totals = merged.get(tier)!;
    const datasets: Record<string, TextTotals> = {};
    for (const name of Object.keys(totals.datasets).sort()) datasets[name] = totals.datasets[name]!;
    result[tier] = { records: totals.records, textBytes: totals.textBytes, tokens: totals.tokens, datasets };
  }
  return result;
}

/** Sums the per-tier totals. */
export function grandTotals(tiers: Partial<Record<Tier, TierTotals>>): TextTotals {
  const total = emptyTotals();
  for (const totals of Object.values(tiers)) if (totals) addTotals(total, totals);
  return total;
}

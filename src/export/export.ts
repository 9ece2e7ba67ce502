import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError } from '../core/errors.js';
import { packageVersion } from '../core/paths.js';
import type { Tier, TierRecord } from '../core/record.js';
import {
  grandTotals,
  mergeTierTotals,
  TotalsCounter,
  type ExportSettings,
  type PhaseEntry,
  type ShardManifest,
  type StagedManifest,
  type TextTotals,
} from './manifest.js';
import { weightedInterleave } from './mix.js';
import { SHARD_EXTENSIONS, type ExportFormat, type Schedule, type TierWeight } from './options.js';
import { bufferShuffle, SeededRandom } from './random.js';
import { shardFormat, type ShardFormat } from './shard-format.js';
import { ShardRoller, type ShardLimits } from './shards.js';
import { readTierRecords, type TierSource } from './source.js';
import type { EncodingName, TokenCounter } from './tokens.js';

export interface ExportPlan {
  outDir: string;
  overwrite: boolean;
  format: ExportFormat;
  fields: string[] | null;
  schedule: Schedule;
  /** Tiers in phase order for a staged export. */
  tiers: Tier[];
  /** Sampling weights of a mixed export, in the order given. */
  weights: TierWeight[] | null;
  limits: ShardLimits;
  seed: number;
  /** Shuffle buffer in records, or null to keep each tier's input order. */
  shuffleBuffer: number | null;
  encoding: EncodingName;
}

export interface ExportResult {
  manifest: string;
  totals: TextTotals;
  shards: number;
  tiers: Partial<Record<Tier, number>>;
}

/** Writes the export that `plan` describes from `source` and returns where its manifest is. */
export async function runExport(plan: ExportPlan, source: TierSource, countTokens: TokenCounter, log: Logger): Promise<ExportResult> {
  await prepareOutDir(plan.outDir, plan.overwrite, log);
  const settings: ExportSettings = {
    format: plan.format,
    compression: 'zstd',
    fields: plan.fields,
    tokenizer: plan.encoding,
    seed: plan.seed,
    shuffleBuffer: plan.shuffleBuffer,
    shardRecords: plan.limits.maxRecords,
    shardBytes: plan.limits.maxBytes,
  };
  const format = shardFormat(plan.format, plan.fields);
  const context: WriteContext = { plan, source, settings, format, countTokens, log };
  return plan.schedule === 'mixed' ? exportMixed(context) : exportStaged(context);
}

interface WriteContext {
  plan: ExportPlan;
  source: TierSource;
  settings: ExportSettings;
  format: ShardFormat;
  countTokens: TokenCounter;
  log: Logger;
}

const createdBy = () => `tiers ${packageVersion()}`;

/** Reads a tier's records in input order, or through the shuffle buffer seeded for that tier. */
function tierRecords(context: WriteContext, tier: Tier): AsyncIterable<TierRecord> {
  const records = readTierRecords(context.source.files(tier));
  const buffer = context.plan.shuffleBuffer;
  return buffer === null ? records : bufferShuffle(records, buffer, new SeededRandom(context.plan.seed, `shuffle:${tier}`));
}

async function exportStaged(context: WriteContext): Promise<ExportResult> {
  const { plan } = context;
  const phases: PhaseEntry[] = [];
  const phaseManifests: ShardManifest[] = [];
  for (const [i, tier] of plan.tiers.entries()) {
    const dir = `phase-${i + 1}-${tier}`;
    await mkdir(join(plan.outDir, dir));
    const counter = new TotalsCounter(context.countTokens);
    counter.ensure(tier);
    const roller = newRoller(context, join(plan.outDir, dir), tier, false);
    for await (const record of tierRecords(context, tier)) {
      counter.add(tier, record);
      await roller.write(context.format.encode(record), tier);
    }
    const manifest = shardManifest(context, 'staged', tier, counter, await roller.close());
    await writeJson(join(plan.outDir, dir, 'manifest.json'), manifest);
    phaseManifests.push(manifest);
    phases.push({ phase: i + 1, tier, dir, manifest: `${dir}/manifest.json`, totals: manifest.totals });
    context.log.info({ phase: i + 1, tier, records: manifest.totals.records, shards: manifest.shards.length }, 'phase written');
  }

  const tiers = mergeTierTotals(phaseManifests.map((m) => m.tiers));
  const top: StagedManifest = {
    version: 1,
    createdBy: createdBy(),
    schedule: 'staged',
    settings: context.settings,
    source: context.source.info,
    totals: grandTotals(tiers),
    tiers,
    phases,
  };
  const path = join(plan.outDir, 'manifest.json');
  await writeJson(path, top);
  const shards = phaseManifests.reduce((sum, m) => sum + m.shards.length, 0);
  return { manifest: path, totals: top.totals, shards, tiers: recordsPerTier(tiers) };
}

async function exportMixed(context: WriteContext): Promise<ExportResult> {
  const { plan } = context;
  const weights = plan.weights ?? [];
  const counter = new TotalsCounter(context.countTokens);
  for (const { tier } of weights) counter.ensure(tier);
  const inputs = weights.map(({ tier, weight }) => ({ tier, weight, items: tierRecords(context, tier)[Symbol.asyncIterator]() }));
  const roller = newRoller(context, plan.outDir, 'mix', true);
  for await (const { tier, item } of weightedInterleave(inputs, new SeededRandom(plan.seed, 'mix'))) {
    counter.add(tier, item);
    await roller.write(context.format.encode(item), tier);
  }
  const manifest = shardManifest(context, 'mixed', 'mix', counter, await roller.close());
  manifest.weights = weights;
  const path = join(plan.outDir, 'manifest.json');
  await writeJson(path, manifest);
  return { manifest: path, totals: manifest.totals, shards: manifest.shards.length, tiers: recordsPerTier(manifest.tiers) };
}

function newRoller(context: WriteContext, dir: string, name: string, countTiers: boolean): ShardRoller {
  const extension = SHARD_EXTENSIONS[context.plan.format];
  return new ShardRoller(dir, name, extension, context.format, context.plan.limits, countTiers);
}

function shardManifest(
  context: WriteContext,
  schedule: Schedule,
  name: string,
  counter: TotalsCounter,
  shards: ShardManifest['shards'],
): ShardManifest {
  const tiers = counter.tiers();
  return {
    version: 1,
    createdBy: createdBy(),
    schedule,
    name,
    settings: context.settings,
    source: context.source.info,
    totals: grandTotals(tiers),
    tiers,
    shards,
  };
}

function recordsPerTier(tiers: ShardManifest['tiers']): Partial<Record<Tier, number>> {
  const counts: Partial<Record<Tier, number>> = {};
  for (const [tier, totals] of Object.entries(tiers) as Array<[Tier, TextTotals]>) counts[tier] = totals.records;
  return counts;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, JSON.stringify(value, null, 2) + '\n');
}

/** Names an earlier export leaves in its directory. --overwrite removes only these. */
const EXPORT_ENTRY = /^(manifest\.json|phase-\d+-l[0-4]|(l[0-4]|mix)-\d{5}\.(jsonl\.zst|parquet))$/;

/**
 * Creates the output directory. A directory with entries is an error unless `overwrite` is
 * set, and then only entries an export writes are removed, so other files there survive.
 */
async function prepareOutDir(dir: string, overwrite: boolean, log: Logger): Promise<void> {
  const existing = await stat(dir).catch(() => null);
  if (existing && !existing.isDirectory()) {
    throw new ConfigError(`output path ${dir} exists and is not a directory: choose another --out`);
  }
  const entries = existing ? await readdir(dir) : [];
  if (entries.length > 0 && !overwrite) {
    throw new ConfigError(
      `output directory ${dir} is not empty (${entries.length} entries): choose a new or empty --out, or pass --overwrite to replace an earlier export there`,
    );
  }
  const removed = entries.filter((entry) => EXPORT_ENTRY.test(entry));
  for (const entry of removed) await rm(join(dir, entry), { recursive: true, force: true });
  const kept = entries.filter((entry) => !EXPORT_ENTRY.test(entry));
  if (removed.length > 0 || kept.length > 0) log.warn({ dir, removed: removed.length, kept }, '--overwrite: removed the earlier export; other entries are kept');
  await mkdir(dir, { recursive: true });
}

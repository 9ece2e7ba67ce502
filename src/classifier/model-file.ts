import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../core/errors.js';
import { storedFeatureConfigSchema, type FeatureConfig } from './features.js';
import { LinearModel, SCORE_CLASSES } from './model.js';
import { trainingConfigSchema } from './train.js';

export const MODEL_FORMAT = 'tiers-quality-classifier';
/**
 * Version of the file layout and of the feature hashing (tokenizer, hash function, kind tags).
 * A model only scores correctly with the exact hashing it was trained with.
 */
export const MODEL_FORMAT_VERSION = 1;
const WEIGHTS_ENCODING = 'sparse-rows-f32le-base64';

const labelsInfoSchema = z
  .object({
    /** `llm` when train-scorer asked the model itself, `file` when the labels came from records that carry llm_score. */
    source: z.enum(['llm', 'file']),
    /** Versions of the llm-scorer rubrics that produced the labels, such as score-web-en/1. */
    promptVersions: z.array(z.string()),
    /** Names of the LLMs that produced the labels. */
    llmModels: z.array(z.string()),
    documents: z.number().int().min(0),
    /** Labelled documents per score "0" to "5". */
    distribution: z.record(z.number().int().min(0)),
  })
  .strict();

export type LabelsInfo = z.infer<typeof labelsInfoSchema>;

const trainingInfoSchema = z
  .object({
    config: trainingConfigSchema,
    trainDocuments: z.number().int().min(0),
    holdoutDocuments: z.number().int().min(0),
    holdoutFraction: z.number().min(0).max(1),
    /** Seed of the sample and of the train/holdout split. */
    seed: z.number().int(),
  })
  .strict();

export type TrainingInfo = z.infer<typeof trainingInfoSchema>;

const weightsSchema = z
  .object({
    encoding: z.literal(WEIGHTS_ENCODING),
    /** Buckets with at least one non-zero weight; the others are all zero and not stored. */
    rows: z.number().int().min(0),
    /** Bucket numbers as little-endian uint32, ascending. */
    indices: z.string(),
    /** Six little-endian float32 weights per stored bucket, classes 0 to 5. */
    values: z.string(),
    bias: z.array(z.number()).length(SCORE_CLASSES),
  })
  .strict();

const modelFileSchema = z
  .object({
    format: z.literal(MODEL_FORMAT),
    formatVersion: z.literal(MODEL_FORMAT_VERSION),
    /** First 16 hex digits of SHA-256 over the format version, the feature config and the weights. */
    modelVersion: z.string().regex(/^[0-9a-f]{16}$/),
    features: storedFeatureConfigSchema,
    classes: z.array(z.number().int()).refine((classes) => classes.join() === '0,1,2,3,4,5', 'must be [0, 1, 2, 3, 4, 5]'),
    labels: labelsInfoSchema,
    training: trainingInfoSchema,
    trainedAt: z.string().datetime(),
    /** Held-out agreement and throughput as measured by train-scorer. Scoring does not read them. */
    metrics: z.record(z.unknown()).nullable(),
    weights: weightsSchema,
  })
  .strict();

export type ModelFile = z.infer<typeof modelFileSchema>;

/** A model file checked and decoded for scoring. */
export interface LoadedModel {
  model: LinearModel;
  features: FeatureConfig;
  file: Omit<ModelFile, 'weights'>;
}

export interface ModelFileParts {
  features: FeatureConfig;
  labels: LabelsInfo;
  training: TrainingInfo;
  metrics: Record<string, unknown> | null;
  trainedAt: Date;
}

/** Builds the file content of a trained model, storing only the buckets with non-zero weights. */
export function encodeModelFile(model: LinearModel, parts: ModelFileParts): ModelFile {
  if (model.buckets !== parts.features.buckets) {
    throw new RangeError(`the model has ${model.buckets} buckets but the feature config ${parts.features.buckets}`);
  }
  const rows: number[] = [];
  for (let bucket = 0; bucket < model.buckets; bucket++) {
    const row = model.weights.subarray(bucket * SCORE_CLASSES, (bucket + 1) * SCORE_CLASSES);
    if (row.some((weight) => weight !== 0)) rows.push(bucket);
  }
  const indices = Buffer.alloc(rows.length * 4);
  const values = Buffer.alloc(rows.length * SCORE_CLASSES * 4);
  rows.forEach((bucket, r) => {
    indices.writeUInt32LE(bucket, r * 4);
    for (let k = 0; k < SCORE_CLASSES; k++) values.writeFloatLE(model.weights[bucket * SCORE_CLASSES + k]!, (r * SCORE_CLASSES + k) * 4);
  });
  const bias = Array.from(model.bias);
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    modelVersion: modelVersionOf(parts.features, indices, values, bias),
    features: parts.features,
    classes: [0, 1, 2, 3, 4, 5],
    labels: parts.labels,
    training: parts.training,
    trainedAt: parts.trainedAt.toISOString(),
    metrics: parts.metrics,
    weights: { encoding: WEIGHTS_ENCODING, rows: rows.length, indices: indices.toString('base64'), values: values.toString('base64'), bias },
  };
}

/**
 * Hashes what decides the scores: the feature config and the weights. Training metadata and
 * metrics are left out, so the same training run always gets the same version.
 */
function modelVersionOf(features: FeatureConfig, indices: Buffer, values: Buffer, bias: number[]): string {
  const biasBytes = Buffer.alloc(bias.length * 4);
  bias.forEach((value, k) => biasBytes.writeFloatLE(value, k * 4));
  const featureText = JSON.stringify(Object.fromEntries(Object.entries(features).sort(([a], [b]) => a.localeCompare(b))));
  return createHash('sha256')
    .update(`${MODEL_FORMAT}/${MODEL_FORMAT_VERSION}\n${featureText}\n`)
    .update(indices)
    .update(values)
    .update(biasBytes)
    .digest('hex')
    .slice(0, 16);
}

/** Writes the model file through a temporary file and a rename, so readers never see half a file. */
export async function saveModelFile(path: string, content: ModelFile): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(content, null, 2) + '\n');
  await rename(temporary, path);
}

/** Reads, checks and decodes a model file; throws ConfigError naming the file and the problem. */
export function loadModelFile(path: string): LoadedModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'does not exist' : `cannot be read: ${errorMessage(err)}`;
    throw new ConfigError(`classifier model file ${path} ${problem}: train one with \`tiers train-scorer --out ${path}\``);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`classifier model file ${path} is not valid JSON: ${errorMessage(err)}`);
  }
  return decodeModelFile(json, path);
}

/** Checks and decodes parsed model file content. `path` only names the file in errors. */
export function decodeModelFile(json: unknown, path: string): LoadedModel {
  checkFormat(json, path);
  const parsed = modelFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'} ${issue.message}`);
    throw new ConfigError(`classifier model file ${path} is invalid: ${problems.slice(0, 5).join('; ')}`);
  }
  const { weights, ...file } = parsed.data;
  const indices = Buffer.from(weights.indices, 'base64');
  const values = Buffer.from(weights.values, 'base64');
  if (modelVersionOf(file.features, indices, values, weights.bias) !== file.modelVersion) {
    throw new ConfigError(`classifier model file ${path} is corrupt: its weights do not match modelVersion ${file.modelVersion}. Train the model again`);
  }
  const model = decodeWeights(indices, values, weights, file.features.buckets, path);
  return { model, features: file.features, file };
}

/** Reports a wrong format or version before the full check, because it needs a different fix. */
function checkFormat(json: unknown, path: string): void {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ConfigError(`classifier model file ${path} must contain a JSON object`);
  }
  const { format, formatVersion } = json as Record<string, unknown>;
  if (format !== MODEL_FORMAT) {
    throw new ConfigError(`${path} is not a classifier model file: its format is ${JSON.stringify(format)}, expected "${MODEL_FORMAT}"`);
  }
  if (formatVersion !== MODEL_FORMAT_VERSION) {
    throw new ConfigError(
      `classifier model file ${path} has formatVersion ${JSON.stringify(formatVersion)}, but this version of tiers reads only ${MODEL_FORMAT_VERSION}. Train the model again with this version`,
    );
  }
}

function decodeWeights(indices: Buffer, values: Buffer, weights: ModelFile['weights'], buckets: number, path: string): LinearModel {
  if (indices.length !== weights.rows * 4 || values.length !== weights.rows * SCORE_CLASSES * 4) {
    throw new ConfigError(`classifier model file ${path} is corrupt: weights.rows is ${weights.rows} but the indices or values have another length`);
  }
  const dense = new Float32Array(buckets * SCORE_CLASSES);
  let previous = -1;
  for (let r = 0; r < weights.rows; r++) {
    const bucket = indices.readUInt32LE(r * 4);
    if (bucket <= previous || bucket >= buckets) {
      throw new ConfigError(`classifier model file ${path} is corrupt: bucket ${bucket} is out of order or not below ${buckets}`);
    }
    previous = bucket;
    for (let k = 0; k < SCORE_CLASSES; k++) {
      const weight = values.readFloatLE((r * SCORE_CLASSES + k) * 4);
      if (!Number.isFinite(weight)) throw new ConfigError(`classifier model file ${path} is corrupt: bucket ${bucket} has a weight that is not finite`);
      dense[bucket * SCORE_CLASSES + k] = weight;
    }
  }
  return new LinearModel(buckets, dense, Float32Array.from(weights.bias));
}

import type { Logger } from 'pino';
import { TIERS, type TierRecord } from '../core/record.js';
import { InputReader, type ReadOptions } from '../io/read-inputs.js';
import type { LlmClient } from '../llm/client.js';
import { agreement, labelDistribution, type AgreementMetrics } from './evaluate.js';
import { FeatureExtractor, type FeatureConfig } from './features.js';
import { labelWithLlm, readLabelFile, type LabelFileCounts, type LabelledDocument, type LlmLabellingOptions } from './labels.js';
import { encodeModelFile, saveModelFile, type LabelsInfo } from './model-file.js';
import { reservoirSample, splitHoldout } from './sample.js';
import { QualityScorer } from './scorer.js';
import { measureScoringThroughput } from './throughput.js';
import { trainModel, type TrainingConfig } from './train.js';

export interface TrainScorerOptions {
  /** Input files and directories to label with `llm`. They are ignored when `labelsFiles` is set. */
  inputs: string[];
  read: ReadOptions;
  /** JSON-lines files of records that already carry `signals.llm_score`. When set, no LLM is asked. */
  labelsFiles?: string[];
  llm?: LlmClient;
  labelling: LlmLabellingOptions;
  /** Documents drawn at random from the inputs or the labels files. */
  sample: number;
  /** Share of the labelled documents kept out of training to measure agreement. */
  holdout: number;
  /** Seed of the sample and the split. The training order has its own seed in `training`. */
  seed: number;
  /** Score at which the keep/drop agreement is measured, as the classifier-scorer's threshold. */
  threshold: number;
  features: FeatureConfig;
  training: TrainingConfig;
  out: string;
  log: Logger;
}

export interface ThroughputMetrics {
  /** Documents labelled per second by the LLM, over the whole labelling step; null when labels came from a file. */
  llmDocsPerSecond: number | null;
  llmConcurrency: number | null;
  /** Model responses served from the response cache rather than by the model. */
  llmCachedAnswers: number | null;
  /** Documents scored per second by the classifier on one thread, on the same documents. */
  classifierDocsPerSecond: number;
  /** classifierDocsPerSecond / llmDocsPerSecond. */
  classifierToLlmRatio: number | null;
}

export interface TrainScorerSummary {
  out: string;
  modelVersion: string;
  documents: {
    /** Records read from the inputs, or non-blank lines of the labels files. */
    read: number;
    sampled: number;
    labelled: number;
    /** Sampled documents the LLM gave no valid score, or lines of the labels files without a usable score. */
    unlabelled: number;
    train: number;
    holdout: number;
  };
  labels: LabelsInfo;
  /** Agreement on the held-out documents; null without a holdout. */
  holdout: AgreementMetrics | null;
  /** Agreement on the training documents: how well the model fits what it learned from. */
  train: AgreementMetrics;
  throughput: ThroughputMetrics;
  labelFailures: Array<{ id: string; rule: string; reason: string }>;
  elapsedSeconds: number;
}

/** Samples and labels documents, trains the classifier, measures it and writes the model file. */
export async function trainScorer(options: TrainScorerOptions): Promise<TrainScorerSummary> {
  const started = process.hrtime.bigint();
  const collected = await collectLabels(options);
  const documents = collected.documents;
  if (documents.length < 2) {
    throw new Error(
      `only ${documents.length} document(s) got a label, and training needs at least 2: ` +
        (options.labelsFiles ? `check that ${options.labelsFiles.join(', ')} hold records with signals.llm_score` : 'check the inputs and the LLM endpoint'),
    );
  }

  const { train, holdout } = splitHoldout(documents, options.holdout, options.seed);
  const extractor = new FeatureExtractor(options.features);
  const examples = train.map((doc) => ({ features: extractor.extract(doc.text, doc.domain), label: doc.score }));
  options.log.info({ train: train.length, holdout: holdout.length, buckets: options.features.buckets }, 'training the classifier');
  const model = trainModel(examples, options.features.buckets, options.training);

  const scorer = new QualityScorer(model, options.features);
  const measure = (set: LabelledDocument[]) =>
    agreement(
      set.map((doc) => doc.score),
      set.map((doc) => scorer.score(doc.text, doc.domain)),
      options.threshold,
    );
  const classifierDocsPerSecond = measureScoringThroughput(scorer, documents);
  const llmDocsPerSecond = collected.llmSeconds === null ? null : collected.sampled / collected.llmSeconds;
  const throughput: ThroughputMetrics = {
    llmDocsPerSecond,
    llmConcurrency: collected.llmSeconds === null ? null : options.labelling.concurrency,
    llmCachedAnswers: collected.cachedAnswers,
    classifierDocsPerSecond,
    classifierToLlmRatio: llmDocsPerSecond ? classifierDocsPerSecond / llmDocsPerSecond : null,
  };
  const holdoutMetrics = holdout.length > 0 ? measure(holdout) : null;
  const trainMetrics = measure(train);
  const labels = labelsInfo(collected.source, documents);

  const file = encodeModelFile(model, {
    features: options.features,
    labels,
    training: { config: options.training, trainDocuments: train.length, holdoutDocuments: holdout.length, holdoutFraction: options.holdout, seed: options.seed },
    metrics: { holdout: holdoutMetrics, train: trainMetrics, throughput },
    trainedAt: new Date(),
  });
  await saveModelFile(options.out, file);
  options.log.info({ out: options.out, modelVersion: file.modelVersion, rows: file.weights.rows }, 'wrote the classifier model');

  return {
    out: options.out,
    modelVersion: file.modelVersion,
    documents: {
      read: collected.read,
      sampled: collected.sampled,
      labelled: documents.length,
      unlabelled: collected.unlabelled,
      train: train.length,
      holdout: holdout.length,
    },
    labels,
    holdout: holdoutMetrics,
    train: trainMetrics,
    throughput,
    labelFailures: collected.failures,
    elapsedSeconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

interface CollectedLabels {
  source: 'llm' | 'file';
  documents: LabelledDocument[];
  read: number;
  sampled: number;
  unlabelled: number;
  failures: TrainScorerSummary['labelFailures'];
  llmSeconds: number | null;
  cachedAnswers: number | null;
}

async function collectLabels(options: TrainScorerOptions): Promise<CollectedLabels> {
  if (options.labelsFiles !== undefined) {
    const counts: LabelFileCounts = { lines: 0, invalidLines: 0, withoutScore: 0 };
    const { sample } = await reservoirSample(readLabelFiles(options.labelsFiles, counts, options.log), options.sample, options.seed);
    options.log.info({ paths: options.labelsFiles, ...counts, sampled: sample.length }, 'read the labels files');
    // Lines without a usable score are skipped before sampling, so every sampled document has a label.
    return {
      source: 'file',
      documents: sample,
      read: counts.lines,
      sampled: sample.length,
      unlabelled: counts.invalidLines + counts.withoutScore,
      failures: [],
      llmSeconds: null,
      cachedAnswers: null,
    };
  }
  if (!options.llm) throw new Error('labelling needs an LLM endpoint or a labels file');
  const reader = new InputReader(options.inputs, options.read, options.log);
  const { sample, seen } = await reservoirSample(recordsOf(reader), options.sample, options.seed);
  options.log.info({ read: seen, sampled: sample.length }, 'sampled input documents for labelling');
  const labelled = await labelWithLlm(sample, options.llm, options.labelling, options.log);
  return {
    source: 'llm',
    documents: labelled.documents,
    read: seen,
    sampled: sample.length,
    unlabelled: labelled.failures.length,
    failures: labelled.failures,
    llmSeconds: labelled.seconds,
    cachedAnswers: labelled.cachedAnswers,
  };
}

async function* readLabelFiles(paths: string[], counts: LabelFileCounts, log: Logger): AsyncGenerator<LabelledDocument> {
  for (const path of paths) yield* readLabelFile(path, counts, log);
}

/** Yields the usable records of the inputs, with the domain and language of `tiers run` output restored. */
async function* recordsOf(reader: InputReader): AsyncGenerator<TierRecord> {
  for await (const item of reader.items()) {
    if (item.kind === 'record') yield restoreTierFields(item.record);
  }
}

/**
 * Copies domain and language from `meta` into the record when the input line was a whole tier
 * record, such as a line of `tiers run` output. The reader keeps those fields in `meta`, and
 * they override the defaults from the read options.
 */
export function restoreTierFields(record: TierRecord): TierRecord {
  const { meta } = record;
  const isTierRecord = typeof meta.tier === 'string' && (TIERS as readonly string[]).includes(meta.tier) && Array.isArray(meta.lineage);
  if (!isTierRecord) return record;
  if (typeof meta.domain === 'string') record.domain = meta.domain;
  if (typeof meta.lang === 'string') record.lang = meta.lang;
  return record;
}

function labelsInfo(source: 'llm' | 'file', documents: readonly LabelledDocument[]): LabelsInfo {
  const distinct = (values: Array<string | null>) => [...new Set(values.filter((v): v is string => v !== null))].sort();
  return {
    source,
    promptVersions: distinct(documents.map((doc) => doc.promptVersion)),
    llmModels: distinct(documents.map((doc) => doc.llmModel)),
    documents: documents.length,
    distribution: labelDistribution(documents.map((doc) => doc.score)),
  };
}

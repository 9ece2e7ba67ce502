import { Command, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { trainScorer } from '../classifier/pipeline.js';
import { featureConfigSchema } from '../classifier/features.js';
import { trainingConfigSchema } from '../classifier/train.js';
import { loadConfigFile } from '../core/config-file.js';
import { ConfigError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { addLlmOptions, connectLlm, type LlmCliOptions } from './llm-options.js';
import { positiveInt } from './options.js';
import { addReadOptions, readOptionsFrom, type ReadCliOptions } from './read-options.js';

interface TrainScorerCliOptions extends ReadCliOptions, LlmCliOptions {
  out: string;
  labels?: string[];
  config?: string;
  sample: number;
  holdout: number;
  seed: number;
  threshold: number;
  llmConcurrency: number;
  llmMaxInputChars: number;
  llmMaxTokens: number;
  llmAttempts: number;
  buckets?: number;
  epochs?: number;
  learningRate?: number;
  l2?: number;
  balanceClasses?: boolean;
}

const COMMAND = 'train-scorer';

export function trainScorerCommand(): Command {
  const command = new Command(COMMAND)
    .description(
      'Train the fast quality classifier (for the classifier-scorer operator) on 0-5 scores from the LLM scorer: ' +
        'label a random sample of the inputs with the LLM, or read labelled records with --labels',
    )
    .argument('[inputs...]', 'documents to label: JSON-lines files (.jsonl, .gz, .zst, also `tiers run` output), WET files, or directories')
    .requiredOption('-o, --out <file>', 'model file to write (JSON)')
    .option(
      '--labels <file>',
      'JSON lines of records that already carry signals.llm_score, such as l2.jsonl and rejected.jsonl of `tiers run`; repeat for several files; no LLM is asked',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--sample <n>', 'documents drawn at random from the inputs or the labels files', positiveInt('--sample'), 500)
    .option('--holdout <fraction>', 'share of the labelled documents kept out of training to measure agreement, 0 to 0.9', fraction('--holdout'), 0.2)
    .option('--seed <n>', 'seed of the sample, the holdout split and the training order', nonNegativeInt('--seed'), 1)
    .option('--threshold <score>', 'score (0-5) at which the keep/drop agreement is measured; use the classifier-scorer threshold', score('--threshold'), 3)
    .option('--config <file>', 'JSON file whose "llm" section sets the endpoint (concurrency, cacheDir, timeoutSeconds, ...)')
    .option('--llm-concurrency <n>', 'documents labelled at once; also the endpoint\'s requests in flight', positiveInt('--llm-concurrency'), 4)
    .option('--llm-max-input-chars <n>', 'code points of each document sent to the LLM; the rest is cut off', positiveInt('--llm-max-input-chars'), 6000)
    .option('--llm-max-tokens <n>', 'maximum tokens of each LLM answer', positiveInt('--llm-max-tokens'), 160)
    .option('--llm-attempts <n>', 'asks per document when the answer is not valid JSON', positiveInt('--llm-attempts'), 3)
    .option('--buckets <n>', 'feature hash buckets (default 1048576)', positiveInt('--buckets'))
    .option('--epochs <n>', 'training passes over the documents (default 10)', positiveInt('--epochs'))
    .option('--learning-rate <rate>', 'AdaGrad step size (default 0.5)', finiteNumber('--learning-rate'))
    .option('--l2 <penalty>', 'L2 penalty per weight (default 0.00001)', finiteNumber('--l2'))
    .option('--balance-classes', 'weigh documents by the inverse frequency of their score');
  addReadOptions(command);
  addLlmOptions(command, false);
  return command.action(async (inputs: string[], options: TrainScorerCliOptions) => {
    const log = createLogger({ command: COMMAND }, 'info');
    if (options.labels === undefined && inputs.length === 0) {
      throw new ConfigError('train-scorer needs documents to label (input paths) or a labels file (--labels FILE)');
    }
    if (options.labels !== undefined && inputs.length > 0) {
      throw new ConfigError('train-scorer takes either input paths to label with the LLM or --labels FILE, not both');
    }
    const features = parseSection(featureConfigSchema, { buckets: options.buckets });
    const training = parseSection(trainingConfigSchema, {
      epochs: options.epochs,
      learningRate: options.learningRate,
      l2: options.l2,
      seed: options.seed,
      balanceClasses: options.balanceClasses,
    });
    const config = loadConfigFile(options.config);
    // The labelling concurrency is also the endpoint's, unless the config file sets its own.
    const llmSettings = { concurrency: options.llmConcurrency, ...config.llm };
    const llm = options.labels === undefined ? await connectLlm(options, { ...config, llm: llmSettings }, log) : undefined;
    if (options.labels === undefined && !llm) {
      throw new ConfigError('train-scorer labels documents with an LLM: pass --llm-url or set TIERS_LLM_URL, or give labelled records with --labels FILE');
    }
    const summary = await trainScorer({
      inputs,
      read: readOptionsFrom(options),
      ...(options.labels !== undefined ? { labelsFiles: options.labels } : {}),
      ...(llm ? { llm } : {}),
      labelling: {
        concurrency: options.llmConcurrency,
        maxInputChars: options.llmMaxInputChars,
        maxTokens: options.llmMaxTokens,
        attempts: options.llmAttempts,
      },
      sample: options.sample,
      holdout: options.holdout,
      seed: options.seed,
      threshold: options.threshold,
      features,
      training,
      out: options.out,
      log,
    });
    process.stdout.write(JSON.stringify(summary) + '\n');
  });
}

const FLAGS: Record<string, string> = {
  buckets: '--buckets',
  epochs: '--epochs',
  learningRate: '--learning-rate',
  l2: '--l2',
  seed: '--seed',
  balanceClasses: '--balance-classes',
};

/** Validates the options of one schema, leaving out the ones not given so the defaults apply. */
function parseSection<T extends z.ZodTypeAny>(schema: T, values: Record<string, unknown>): z.infer<T> {
  const specified = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
  const result = schema.safeParse(specified);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      return `${FLAGS[key] ?? key} ${issue.message.toLowerCase()}, got ${String(specified[key])}`;
    });
    throw new ConfigError(`invalid ${COMMAND} options: ${problems.join('; ')}`);
  }
  return result.data;
}

function fraction(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0 || parsed > 0.9) throw new InvalidArgumentError(`${name} must be a number from 0 to 0.9, got "${value}".`);
    return parsed;
  };
}

function score(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0 || parsed > 5) throw new InvalidArgumentError(`${name} must be a score from 0 to 5, got "${value}".`);
    return parsed;
  };
}

function nonNegativeInt(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 2 ** 32 - 1) {
      throw new InvalidArgumentError(`${name} must be an integer from 0 to 4294967295, got "${value}".`);
    }
    return parsed;
  };
}

function finiteNumber(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || value.trim() === '') throw new InvalidArgumentError(`${name} must be a number, got "${value}".`);
    return parsed;
  };
}

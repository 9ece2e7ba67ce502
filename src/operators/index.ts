import { ConfigError } from '../core/errors.js';
import type { LlmClient } from '../llm/client.js';
import type { Operator } from '../core/operator.js';
import type { StageSpec } from '../topologies/types.js';
import { createExactDedup, parseExactDedupConfig } from './exact-dedup.js';
import { parseHeuristicFilterConfig } from './heuristic-filter/config.js';
import { createHeuristicFilter } from './heuristic-filter/index.js';
import { CLASSIFIER_SCORER_NAME, createClassifierScorer, parseClassifierScorerConfig } from './classifier-scorer.js';
import { createLangid, LANGID_NAME, parseLangidConfig } from './langid/index.js';
import { createLlmEditor, LLM_EDITOR_NAME, parseLlmEditorConfig } from './llm-editor/index.js';
import { createLlmScorer, parseLlmScorerConfig } from './llm-scorer/index.js';
import { createLlmSynthesizer, LLM_SYNTHESIZER_NAME, parseLlmSynthesizerConfig } from './llm-synthesizer/index.js';
import { createVerifier, parseVerifierConfig, VERIFIER_NAME } from './verifier/index.js';
import { createHtmlExtract, HTML_EXTRACT_NAME, parseHtmlExtractConfig } from './html-extract/index.js';
import { mergeConfig } from './merge.js';
export { WORKER_OPERATORS } from './worker-operators.js';
import { parseMinHashDedupConfig } from './minhash-dedup/config.js';
import { createMinHashDedup } from './minhash-dedup/index.js';
import { createNormalize, parseNormalizeConfig } from './normalize.js';

/** What operators may need beyond their own config; LLM operators need the shared client. */
export interface OperatorEnv {
  llm?: LlmClient;
}

/** Builds an operator from its raw config; throws ConfigError naming the bad field. */
export type OperatorFactory = (config: unknown, env: OperatorEnv) => Operator;

/** Per-operator config overrides from a config file, keyed by operator name. */
export type OperatorConfigs = Record<string, Record<string, unknown>>;

const FACTORIES: Record<string, OperatorFactory> = {
  [HTML_EXTRACT_NAME]: createHtmlExtract,
  normalize: createNormalize,
  'exact-dedup': createExactDedup,
  'minhash-dedup': createMinHashDedup,
  'heuristic-filter': createHeuristicFilter,
  'llm-scorer': createLlmScorer,
  [CLASSIFIER_SCORER_NAME]: createClassifierScorer,
  [LLM_EDITOR_NAME]: createLlmEditor,
  [LLM_SYNTHESIZER_NAME]: createLlmSynthesizer,
  [VERIFIER_NAME]: createVerifier,
  [LANGID_NAME]: createLangid,
};

/** Config validators, which also fill in every default. */
const CONFIG_PARSERS: Record<string, (config: unknown) => unknown> = {
  [HTML_EXTRACT_NAME]: parseHtmlExtractConfig,
  normalize: parseNormalizeConfig,
  'exact-dedup': parseExactDedupConfig,
  'minhash-dedup': parseMinHashDedupConfig,
  'heuristic-filter': parseHeuristicFilterConfig,
  'llm-scorer': parseLlmScorerConfig,
  [CLASSIFIER_SCORER_NAME]: parseClassifierScorerConfig,
  [LLM_EDITOR_NAME]: parseLlmEditorConfig,
  [LLM_SYNTHESIZER_NAME]: parseLlmSynthesizerConfig,
  [VERIFIER_NAME]: parseVerifierConfig,
  [LANGID_NAME]: parseLangidConfig,
};

/** Builds one operator by registered name from its raw config. Throws ConfigError for an unknown name or invalid config. */
export function createOperator(name: string, config: unknown, env: OperatorEnv = {}): Operator {
  const factory = FACTORIES[name];
  if (!factory) throw new ConfigError(`unknown operator "${name}": expected one of ${operatorNames().join(', ')}`);
  return factory(config, env);
}

export function operatorNames(): string[] {
  return Object.keys(FACTORIES);
}

function checkOperatorNames(overrides: OperatorConfigs): void {
  for (const name of Object.keys(overrides)) {
    if (!FACTORIES[name]) {
      throw new ConfigError(`config names unknown operator "${name}": expected one of ${operatorNames().join(', ')}`);
    }
  }
}

/**
 * Returns each operator's effective config for a stage, with every default filled in, in the
 * shape of a `--config` file, so users can see and copy every option.
 */
export function effectiveOperatorConfigs(stage: StageSpec, overrides: OperatorConfigs): OperatorConfigs {
  checkOperatorNames(overrides);
  const effective: OperatorConfigs = {};
  for (const spec of stage.operators) {
    const parse = CONFIG_PARSERS[spec.operator];
    if (!parse) throw new ConfigError(`stage ${stage.name} names unknown operator "${spec.operator}"`);
    effective[spec.operator] = parse(mergeConfig(spec.config, overrides[spec.operator])) as Record<string, unknown>;
  }
  return effective;
}

/** Builds a stage's operators; the config file's settings override the topology's. */
export function createStageOperators(stage: StageSpec, overrides: OperatorConfigs, env: OperatorEnv = {}): Operator[] {
  checkOperatorNames(overrides);
  return stage.operators.map((spec) => createFromSpec(stage, spec, overrides, env));
}

/**
 * Returns a copy of `operators` (a stage's operators, as createStageOperators built them) in
 * which every operator with state is a new, empty instance built from the same config. The
 * stateless ones, worker proxies included, are shared with `operators`.
 */
export function forkStatefulOperators(stage: StageSpec, operators: readonly Operator[], overrides: OperatorConfigs, env: OperatorEnv = {}): Operator[] {
  return operators.map((operator, i) => (operator.state === undefined ? operator : createFromSpec(stage, stage.operators[i]!, overrides, env)));
}

/** Builds the operator that `spec` names in `stage`, with the config file's settings over the topology's. */
function createFromSpec(stage: StageSpec, spec: StageSpec['operators'][number], overrides: OperatorConfigs, env: OperatorEnv): Operator {
  const factory = FACTORIES[spec.operator];
  if (!factory) {
    throw new ConfigError(`stage ${stage.name} names unknown operator "${spec.operator}": expected one of ${operatorNames().join(', ')}`);
  }
  return factory(mergeConfig(spec.config, overrides[spec.operator]), env);
}

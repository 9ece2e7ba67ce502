import { ConfigError } from '../core/errors.js';
import type { Operator } from '../core/operator.js';
import type { StageSpec } from '../topologies/types.js';
import { createExactDedup } from './exact-dedup.js';
import { createHeuristicFilter } from './heuristic-filter/index.js';
import { mergeConfig } from './merge.js';
import { createMinHashDedup } from './minhash-dedup/index.js';
import { createNormalize } from './normalize.js';

/** Builds an operator from its raw config; throws ConfigError naming the bad field. */
export type OperatorFactory = (config: unknown) => Operator;

/** Per-operator config overrides from a config file, keyed by operator name. */
export type OperatorConfigs = Record<string, Record<string, unknown>>;

const FACTORIES: Record<string, OperatorFactory> = {
  normalize: createNormalize,
  'exact-dedup': createExactDedup,
  'minhash-dedup': createMinHashDedup,
  'heuristic-filter': createHeuristicFilter,
};

export function operatorNames(): string[] {
  return Object.keys(FACTORIES);
}

/** Builds a stage's operators; the config file's settings override the topology's. */
export function createStageOperators(stage: StageSpec, overrides: OperatorConfigs): Operator[] {
  for (const name of Object.keys(overrides)) {
    if (!FACTORIES[name]) {
      throw new ConfigError(`config names unknown operator "${name}": expected one of ${operatorNames().join(', ')}`);
    }
  }
  return stage.operators.map((spec) => {
    const factory = FACTORIES[spec.operator];
    if (!factory) {
      throw new ConfigError(
        `stage ${stage.name} names unknown operator "${spec.operator}": expected one of ${operatorNames().join(', ')}`,
      );
    }
    return factory(mergeConfig(spec.config, overrides[spec.operator]));
  });
}

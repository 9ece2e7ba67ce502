import { ConfigError } from '../core/errors.js';
import { defaultTopology } from './default.js';
import type { Topology } from './types.js';

const TOPOLOGIES: Record<string, Topology> = {
  [defaultTopology.name]: defaultTopology,
};

export function topologyNames(): string[] {
  return Object.keys(TOPOLOGIES);
}

export function getTopology(name: string): Topology {
  const topology = TOPOLOGIES[name];
  if (!topology) {
    throw new ConfigError(`unknown topology "${name}": expected one of ${topologyNames().join(', ')}`);
  }
  return topology;
}

export type { OperatorSpec, StageSpec, Topology } from './types.js';

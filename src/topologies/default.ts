import type { Topology } from './types.js';

/**
 * L0 → L1: normalize first so both dedup steps hash clean text, exact dedup before MinHash
 * because it is cheaper, and the quality rules last so they only measure unique documents.
 */
export const defaultTopology: Topology = {
  name: 'default',
  description: 'Raw documents to filtered pre-training text: normalize, exact and MinHash dedup, heuristic rules.',
  stages: [
    {
      name: 'filter',
      input: 'l0',
      output: 'l1',
      operators: [
        { operator: 'normalize' },
        { operator: 'exact-dedup' },
        { operator: 'minhash-dedup' },
        { operator: 'heuristic-filter' },
      ],
    },
  ],
};

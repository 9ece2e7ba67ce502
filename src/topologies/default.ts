import type { Topology } from './types.js';

/**
 * L0 → L4. Filter: HTML pages from WARC input become text first (other records pass through
 * html-extract unchanged), then normalize so both dedup steps hash clean text, exact dedup before
 * MinHash because it is cheaper, language identification on unique documents only, and the
 * quality rules last because they read the language (stop words, word segmentation). Select: a model rates each document. Refine: the editor cleans what was
 * selected, then the synthesizer derives new items from the cleaned text. Verify: only
 * synthesized items whose answers check out reach L4. The last three stages need a model
 * endpoint; without one a run stops after L1 (or after L2 with a trained classifier).
 */
export const defaultTopology: Topology = {
  name: 'default',
  description: 'Raw documents to verified items: filter (L1), model-scored selection (L2), LLM editing and synthesis (L3), verification (L4).',
  stages: [
    {
      name: 'filter',
      input: 'l0',
      output: 'l1',
      operators: [
        { operator: 'html-extract' },
        { operator: 'normalize' },
        { operator: 'exact-dedup' },
        { operator: 'minhash-dedup' },
        { operator: 'langid' },
        { operator: 'heuristic-filter' },
      ],
    },
    { name: 'select', input: 'l1', output: 'l2', maxBatchSize: 32, operators: [{ operator: 'llm-scorer' }] },
    {
      name: 'refine',
      input: 'l2',
      output: 'l3',
      maxBatchSize: 16,
      operators: [{ operator: 'llm-editor' }, { operator: 'llm-synthesizer' }],
    },
    { name: 'verify', input: 'l3', output: 'l4', maxBatchSize: 32, operators: [{ operator: 'verifier' }] },
  ],
};

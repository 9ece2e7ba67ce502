export { MinHashDedupOperator, MINHASH_DEDUP_RULES, createMinHashDedup } from './minhash-dedup.js';
export { minHashDedupConfigSchema, parseMinHashDedupConfig, type MinHashDedupConfig } from './config.js';

import type { QualityScorer } from './scorer.js';

/** Minimum seconds a measurement runs. Small document sets are scored in rounds until this much time has passed. */
const MIN_MEASURE_SECONDS = 0.3;

/**
 * Returns documents per second of `scorer` (feature extraction and prediction) on the given
 * documents, on one thread. Small sets are scored several times so the timer has enough to measure.
 */
export function measureScoringThroughput(scorer: QualityScorer, documents: ReadonlyArray<{ text: string; domain: string }>): number {
  if (documents.length === 0) return 0;
  let scored = 0;
  let checksum = 0;
  const started = process.hrtime.bigint();
  let seconds = 0;
  do {
    for (const { text, domain } of documents) checksum += scorer.score(text, domain).expected;
    scored += documents.length;
    seconds = Number(process.hrtime.bigint() - started) / 1e9;
  } while (seconds < MIN_MEASURE_SECONDS);
  // Using the result keeps the engine from skipping the work as dead code.
  if (Number.isNaN(checksum)) throw new Error('the classifier returned NaN scores');
  return scored / seconds;
}

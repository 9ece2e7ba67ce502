import { SCORE_CLASSES, type Prediction } from './model.js';

/** Counts of the keep/drop decision at the threshold, classifier against LLM. */
export interface KeepDropCounts {
  bothKeep: number;
  bothDrop: number;
  /** The classifier keeps a document that the LLM's score drops. */
  onlyClassifierKeeps: number;
  /** The classifier drops a document that the LLM's score keeps. */
  onlyLlmKeeps: number;
}

/** Agreement of the classifier's predictions with the LLM labels of documents it was not trained on. */
export interface AgreementMetrics {
  documents: number;
  /** Share of documents whose most probable class equals the LLM score. */
  exactAccuracy: number;
  /** Share whose most probable class is at most 1 away from the LLM score. */
  within1Accuracy: number;
  /** Mean of |expected score − LLM score|. */
  meanAbsoluteError: number;
  /** Pearson correlation of expected score and LLM score; null when either is constant. */
  pearson: number | null;
  /** Spearman rank correlation (ties get their mean rank); null when either is constant. */
  spearman: number | null;
  threshold: number;
  /** Share of documents on which expected score ≥ threshold and LLM score ≥ threshold agree. */
  keepDropAgreement: number;
  /** Cohen's kappa of the keep/drop decision: agreement beyond chance; null when both always decide the same way. */
  keepDropKappa: number | null;
  keepDrop: KeepDropCounts;
  /** Exact accuracy of always predicting the most common LLM score of these documents, for comparison. */
  majorityClassAccuracy: number;
}

/** Compares predictions with LLM labels; `labels[i]` and `predictions[i]` belong to the same document. */
export function agreement(labels: readonly number[], predictions: readonly Prediction[], threshold: number): AgreementMetrics {
  if (labels.length !== predictions.length) throw new RangeError(`got ${labels.length} labels but ${predictions.length} predictions`);
  const n = labels.length;
  let exact = 0;
  let within1 = 0;
  let absoluteError = 0;
  const keepDrop: KeepDropCounts = { bothKeep: 0, bothDrop: 0, onlyClassifierKeeps: 0, onlyLlmKeeps: 0 };
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    const { best, expected } = predictions[i]!;
    if (best === label) exact++;
    if (Math.abs(best - label) <= 1) within1++;
    absoluteError += Math.abs(expected - label);
    countKeepDrop(keepDrop, expected >= threshold, label >= threshold);
  }
  const expectedScores = predictions.map((p) => p.expected);
  return {
    documents: n,
    exactAccuracy: ratio(exact, n),
    within1Accuracy: ratio(within1, n),
    meanAbsoluteError: ratio(absoluteError, n),
    pearson: pearson(expectedScores, labels),
    spearman: pearson(ranks(expectedScores), ranks(labels)),
    threshold,
    keepDropAgreement: ratio(keepDrop.bothKeep + keepDrop.bothDrop, n),
    keepDropKappa: kappa(keepDrop),
    keepDrop,
    majorityClassAccuracy: ratio(majorityCount(labels), n),
  };
}

function countKeepDrop(counts: KeepDropCounts, classifierKeeps: boolean, llmKeeps: boolean): void {
  if (classifierKeeps && llmKeeps) counts.bothKeep++;
  else if (!classifierKeeps && !llmKeeps) counts.bothDrop++;
  else if (classifierKeeps) counts.onlyClassifierKeeps++;
  else counts.onlyLlmKeeps++;
}

function ratio(count: number, total: number): number {
  return total === 0 ? 0 : count / total;
}

/** Pearson correlation; null when there are fewer than two values or either side is constant. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2) return null;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - meanX;
    const dy = ys[i]! - meanY;
    covariance += dx * dy;
    varianceX += dx * dx;
    varianceY += dy * dy;
  }
  if (varianceX === 0 || varianceY === 0) return null;
  return covariance / Math.sqrt(varianceX * varianceY);
}

/** Ranks starting at 1; tied values share the mean of the ranks they span. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const result = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    const meanRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) result[order[i]!] = meanRank;
    start = end;
  }
  return result;
}

/** Cohen's kappa for two raters with two categories; null when chance agreement is already 1. */
function kappa(counts: KeepDropCounts): number | null {
  const n = counts.bothKeep + counts.bothDrop + counts.onlyClassifierKeeps + counts.onlyLlmKeeps;
  if (n === 0) return null;
  const observed = (counts.bothKeep + counts.bothDrop) / n;
  const classifierKeeps = (counts.bothKeep + counts.onlyClassifierKeeps) / n;
  const llmKeeps = (counts.bothKeep + counts.onlyLlmKeeps) / n;
  const chance = classifierKeeps * llmKeeps + (1 - classifierKeeps) * (1 - llmKeeps);
  if (chance >= 1) return null;
  return (observed - chance) / (1 - chance);
}

function majorityCount(labels: readonly number[]): number {
  const counts = new Array<number>(SCORE_CLASSES).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return Math.max(0, ...counts);
}

/** Counts documents per score, keyed "0" to "5". */
export function labelDistribution(labels: readonly number[]): Record<string, number> {
  const distribution: Record<string, number> = {};
  for (let k = 0; k < SCORE_CLASSES; k++) distribution[String(k)] = 0;
  for (const label of labels) distribution[String(label)] = (distribution[String(label)] ?? 0) + 1;
  return distribution;
}

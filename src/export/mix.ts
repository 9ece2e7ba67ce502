import type { Tier } from '../core/record.js';
import type { SeededRandom } from './random.js';
import type { TierWeight } from './options.js';

/** One tier's stream in a mix. */
export interface MixInput<T> {
  tier: Tier;
  weight: number;
  items: AsyncIterator<T>;
}

/**
 * Interleaves tier streams by weight. Each step picks one tier that still has records, with
 * probability weight / (sum of the weights of tiers that still have records), and takes its
 * next record. A tier that runs out stops contributing and the others share its weight in
 * proportion, so every record of every tier is emitted exactly once and the tail of the
 * stream holds only the tiers that last longest.
 */
export async function* weightedInterleave<T>(inputs: MixInput<T>[], random: SeededRandom): AsyncGenerator<{ tier: Tier; item: T }> {
  const active = [...inputs];
  while (active.length > 0) {
    const index = pickWeighted(active.map((input) => input.weight), random);
    const input = active[index]!;
    const next = await input.items.next();
    if (next.done) {
      active.splice(index, 1);
      continue;
    }
    yield { tier: input.tier, item: next.value };
  }
}

/** Returns an index drawn with probability proportional to its weight. Weights must be positive. */
export function pickWeighted(weights: number[], random: SeededRandom): number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  let point = random.nextFloat() * total;
  for (let i = 0; i < weights.length; i++) {
    point -= weights[i]!;
    if (point < 0) return i;
  }
  // Rounding can leave a tiny remainder after the last weight.
  return weights.length - 1;
}

/** Normalizes weights to sum to 1, keeping their order, for the manifest. */
export function normalizeWeights(weights: TierWeight[]): TierWeight[] {
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  return weights.map((w) => ({ tier: w.tier, weight: w.weight / total }));
}

import { SeededRandom, shuffleInPlace } from '../export/random.js';

/**
 * Keeps a uniform random sample of at most `size` items from a stream of any length
 * (reservoir sampling), holding only the sample in memory. The result is in stream order, and
 * the same seed and stream give the same sample.
 */
export async function reservoirSample<T>(items: AsyncIterable<T>, size: number, seed: number): Promise<{ sample: T[]; seen: number }> {
  const random = new SeededRandom(seed, 'train-scorer/sample');
  const reservoir: Array<{ position: number; item: T }> = [];
  let seen = 0;
  for await (const item of items) {
    if (reservoir.length < size) {
      reservoir.push({ position: seen, item });
    } else {
      const slot = random.nextIndex(seen + 1);
      if (slot < size) reservoir[slot] = { position: seen, item };
    }
    seen++;
  }
  reservoir.sort((a, b) => a.position - b.position);
  return { sample: reservoir.map((entry) => entry.item), seen };
}

/**
 * Splits items at random into training and held-out parts. The holdout gets round(n × fraction)
 * items, at least one when the fraction is above 0, but never all of them, so training always
 * has an item when there are two or more.
 */
export function splitHoldout<T>(items: readonly T[], fraction: number, seed: number): { train: T[]; holdout: T[] } {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`the holdout fraction must be at least 0 and below 1, got ${fraction}`);
  const shuffled = [...items];
  shuffleInPlace(shuffled, new SeededRandom(seed, 'train-scorer/holdout'));
  let holdoutSize = Math.round(items.length * fraction);
  if (fraction > 0 && holdoutSize === 0) holdoutSize = 1;
  holdoutSize = Math.min(holdoutSize, Math.max(0, items.length - 1));
  return { holdout: shuffled.slice(0, holdoutSize), train: shuffled.slice(holdoutSize) };
}

import type { OperatorRejections, RejectionStatus, RuleRejections } from './types.js';

export const DEFAULT_WINDOW_SECONDS = 60;
export const TOP_RULES = 5;

export type RejectionWindowSummary = Omit<RejectionStatus, 'topic' | 'reading' | 'undecodable'>;

interface RuleKey {
  operator: string;
  rule: string;
}

/**
 * Counts rejections per operator and rule over a sliding window of wall-clock time, in
 * one-second buckets, and in total since the view started. Memory stays bounded by the
 * window length times the number of distinct rules.
 */
export class RejectionWindow {
  /** Epoch second → rule key → rejections in that second. */
  private readonly buckets = new Map<number, Map<string, number>>();
  private readonly totals = new Map<string, number>();
  private readonly keys = new Map<string, RuleKey>();
  private totalCount = 0;

  constructor(
    readonly windowSeconds: number,
    /** Epoch milliseconds when counting began. */
    readonly startedAt: number,
  ) {
    if (!(windowSeconds > 0)) throw new RangeError(`window must be a positive number of seconds, got ${windowSeconds}`);
  }

  /**
   * Counts one rejection at `time` (epoch milliseconds). The reader only reads records
   * published after start-up, so an earlier time comes from a producer whose clock is
   * behind and counts as the start.
   */
  add(operator: string, rule: string, time: number): void {
    const key = `${operator}\u0000${rule}`;
    if (!this.keys.has(key)) this.keys.set(key, { operator, rule });
    const second = Math.floor(Math.max(time, this.startedAt) / 1000);
    let bucket = this.buckets.get(second);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(second, bucket);
    }
    bucket.set(key, (bucket.get(key) ?? 0) + 1);
    this.totals.set(key, (this.totals.get(key) ?? 0) + 1);
    this.totalCount++;
  }

  /**
   * Summarizes the window ending at `now` (epoch milliseconds) and drops buckets that fell
   * out of it. `operators` are listed even when they rejected nothing.
   */
  summarize(now: number, operators: readonly string[] = [], topRules = TOP_RULES): RejectionWindowSummary {
    const nowSecond = Math.floor(now / 1000);
    const inWindow = new Map<string, number>();
    for (const [second, bucket] of this.buckets) {
      // One-second resolution: the oldest bucket kept may start up to a second before the window.
      if (second <= nowSecond - this.windowSeconds) {
        this.buckets.delete(second);
        continue;
      }
      for (const [key, count] of bucket) inWindow.set(key, (inWindow.get(key) ?? 0) + count);
    }

    const secondsSinceStart = Math.max(0, (now - this.startedAt) / 1000);
    const coveredSeconds = Math.min(this.windowSeconds, secondsSinceStart);
    const perSecond = (count: number) => (coveredSeconds > 0 ? count / coveredSeconds : 0);
    const countInWindow = [...inWindow.values()].reduce((sum, count) => sum + count, 0);

    const rules: RuleRejections[] = [...inWindow].map(([key, count]) => ({
      ...this.keys.get(key)!,
      count,
      perSecond: perSecond(count),
      total: this.totals.get(key) ?? 0,
    }));
    rules.sort((a, b) => b.count - a.count || b.total - a.total || compareNames(a, b));

    return {
      windowSeconds: this.windowSeconds,
      coveredSeconds,
      perSecond: perSecond(countInWindow),
      countInWindow,
      totalSinceStart: this.totalCount,
      secondsSinceStart,
      topRules: rules.slice(0, topRules),
      byOperator: this.countByOperator(inWindow, operators, perSecond),
    };
  }

  private countByOperator(
    inWindow: Map<string, number>,
    operators: readonly string[],
    perSecond: (count: number) => number,
  ): OperatorRejections[] {
    const byOperator = new Map<string, { count: number; total: number }>();
    for (const operator of operators) byOperator.set(operator, { count: 0, total: 0 });
    for (const [key, total] of this.totals) {
      const { operator } = this.keys.get(key)!;
      const entry = byOperator.get(operator) ?? { count: 0, total: 0 };
      entry.count += inWindow.get(key) ?? 0;
      entry.total += total;
      byOperator.set(operator, entry);
    }
    return [...byOperator].map(([operator, { count, total }]) => ({ operator, count, perSecond: perSecond(count), total }));
  }
}

function compareNames(a: RuleKey, b: RuleKey): number {
  return a.operator.localeCompare(b.operator) || a.rule.localeCompare(b.rule);
}

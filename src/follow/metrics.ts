import { Counter, Gauge } from 'prom-client';
import type { EngineMetrics } from '../metrics/metrics.js';

/**
 * Metric names of `tiers ingest --follow`, in the conventions of src/metrics/names.ts. None
 * has labels. They are kept out of the engine's METRIC list, which test/promtool.test.ts
 * checks against its own table of engine metrics and their labels.
 */
export const FOLLOW_METRIC = {
  /** Counter: files found in the followed folders, counted once per path. */
  filesSeen: 'tiers_follow_files_seen_total',
  /** Counter: files read to their end and published. */
  filesIngested: 'tiers_follow_files_ingested_total',
  /** Counter: complete files left out because their content was already ingested or reported broken. */
  filesSkipped: 'tiers_follow_files_skipped_total',
  /** Counter: files that were broken (truncated, corrupt, unsupported) or could not be read. */
  filesFailed: 'tiers_follow_files_failed_total',
  /** Gauge: seconds since the oldest complete file that is not yet ingested became complete; 0 when none waits. */
  oldestPendingAge: 'tiers_follow_oldest_pending_age_seconds',
} as const;

/**
 * Metrics of `tiers ingest --follow`, registered next to the engine metrics so one /metrics
 * endpoint serves both. Records and bytes are counted by the engine's ingest counters.
 */
export class FollowMetrics {
  readonly filesSeen: Counter;
  readonly filesIngested: Counter;
  readonly filesSkipped: Counter;
  readonly filesFailed: Counter;
  readonly oldestPendingAge: Gauge;

  /** `oldestPendingSince` returns the time (ms since the epoch) the oldest waiting complete file became complete, or null. */
  constructor(engine: EngineMetrics, oldestPendingSince: () => number | null) {
    const registers = [engine.registry];
    this.filesSeen = new Counter({ name: FOLLOW_METRIC.filesSeen, help: 'Files found in the followed folders, once per path.', registers });
    this.filesIngested = new Counter({ name: FOLLOW_METRIC.filesIngested, help: 'Files read to their end and published.', registers });
    this.filesSkipped = new Counter({
      name: FOLLOW_METRIC.filesSkipped,
      help: 'Complete files left out because their content was already ingested or reported broken.',
      registers,
    });
    this.filesFailed = new Counter({
      name: FOLLOW_METRIC.filesFailed,
      help: 'Files that were broken (truncated, corrupt, unsupported) or could not be read.',
      registers,
    });
    this.oldestPendingAge = new Gauge({
      name: FOLLOW_METRIC.oldestPendingAge,
      help: 'Seconds since the oldest complete file that is not yet ingested became complete; 0 when none waits.',
      registers,
      collect() {
        const since = oldestPendingSince();
        this.set(since === null ? 0 : Math.max(0, (Date.now() - since) / 1000));
      },
    });
  }
}

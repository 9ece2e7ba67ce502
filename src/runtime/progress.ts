import type { IngestStats } from './ingest.js';
import type { StageStats } from './stats.js';

/** Redraws one status line on a terminal: records read, per-stage counts, rate and elapsed time. */
export class ProgressLine {
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly ingest: IngestStats,
    private readonly stages: () => StageStats[],
    private readonly intervalMs = 500,
  ) {}

  /** Starts redrawing, but only when the stream is a terminal, so logs and pipes stay clean. */
  start(): void {
    if (!this.stream.isTTY) return;
    this.timer = setInterval(() => this.draw(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
    this.stream.write('\n');
  }

  /** Returns the status line without drawing it. */
  render(now = Date.now()): string {
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const parts = [`read ${this.ingest.read.toLocaleString('en-US')}`, `l0 ${this.ingest.promoted.toLocaleString('en-US')}`];
    for (const stage of this.stages()) {
      parts.push(`${stage.stage} ${stage.consumed.toLocaleString('en-US')} in, ${stage.promoted.toLocaleString('en-US')} to ${stage.output.split('.').pop()}`);
    }
    parts.push(`rejected ${(this.ingest.rejected + this.stages().reduce((sum, s) => sum + s.rejected, 0)).toLocaleString('en-US')}`);
    parts.push(`${Math.round(this.ingest.read / seconds).toLocaleString('en-US')} records/s`);
    parts.push(formatElapsed(seconds));
    return parts.join(' | ');
  }

  private draw(): void {
    const columns = this.stream.columns ?? 120;
    // \r returns to column 0 and ESC[K clears the old line, so a shorter line leaves no residue.
    this.stream.write(`\r${this.render().slice(0, columns - 1)}\x1b[K`);
  }
}

function formatElapsed(seconds: number): string {
  const whole = Math.floor(seconds);
  const minutes = Math.floor(whole / 60);
  const hours = Math.floor(minutes / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(hours)}:${pad(minutes % 60)}:${pad(whole % 60)}`;
}

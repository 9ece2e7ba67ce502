import { describe, expect, it } from 'vitest';
import { newIngestStats } from './ingest.js';
import { ProgressLine } from './progress.js';
import type { StageStats } from './stats.js';

describe('ProgressLine', () => {
  it('renders reads, stage counts, rate and elapsed time', () => {
    const ingest = { ...newIngestStats(), read: 2000, promoted: 1900, rejected: 100 };
    const stage: StageStats = { stage: 'filter', input: 'tiers.l0', output: 'tiers.l1', consumed: 1500, promoted: 900, rejected: 600, dlq: 0, operators: [] };
    const line = new ProgressLine(process.stderr, ingest, () => [stage]);

    const text = line.render(Date.now() + 2000);

    expect(text).toContain('read 2,000');
    expect(text).toContain('filter 1,500 in, 900 to l1');
    expect(text).toContain('rejected 700');
    expect(text).toMatch(/\b(999|1,000) records\/s/);
    expect(text).toMatch(/00:00:0[12]$/);
  });

  it('draws nothing when the stream is not a terminal', () => {
    const writes: string[] = [];
    const stream = { isTTY: false, write: (chunk: string) => writes.push(chunk) } as unknown as NodeJS.WriteStream;
    const line = new ProgressLine(stream, newIngestStats(), () => []);

    line.start();
    line.stop();

    expect(writes).toEqual([]);
  });
});

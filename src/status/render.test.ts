import { describe, expect, it } from 'vitest';
import { TOPIC_ROLES, type TopicRole } from '../core/topics.js';
import { ANSI, formatRate, formatTable, renderFrame, renderText } from './render.js';
import type { StatusSnapshot, TopicStatus } from './types.js';

function topic(role: TopicRole, found: boolean, records = 0, rate: number | null = 0): TopicStatus {
  return found
    ? { topic: `demo.${role}`, found, partitions: 3, records, recordsPerSecond: rate }
    : { topic: `demo.${role}`, found, partitions: 0, records: null, recordsPerSecond: null };
}

function snapshot(overrides: Partial<StatusSnapshot> = {}): StatusSnapshot {
  const topics = Object.fromEntries(TOPIC_ROLES.map((role) => [role, topic(role, false)])) as Record<TopicRole, TopicStatus>;
  topics.l0 = topic('l0', true, 1234, 12.5);
  topics.l1 = topic('l1', true, 800, 4);
  topics.rejected = topic('rejected', true, 434, 8.5);
  topics.dlq = topic('dlq', true, 0, 0);
  return {
    time: '2025-01-01T12:00:02.000Z',
    prefix: 'demo',
    brokers: ['127.0.0.1:9092'],
    topology: 'default',
    sampleSeconds: 2,
    topics,
    stages: [
      {
        stage: 'filter',
        group: 'demo.filter',
        input: 'demo.l0',
        output: 'demo.l1',
        operators: ['normalize', 'exact-dedup'],
        state: 'Stable',
        members: 2,
        lag: 42,
        consumedPerSecond: 12.5,
        outPerSecond: 4,
      },
    ],
    rejections: {
      topic: 'demo.rejected',
      reading: true,
      windowSeconds: 60,
      coveredSeconds: 2,
      perSecond: 8.5,
      countInWindow: 17,
      totalSinceStart: 17,
      secondsSinceStart: 2,
      undecodable: 0,
      topRules: [
        { operator: 'heuristic-filter', rule: 'gopher_short_doc', count: 12, perSecond: 6, total: 12 },
        { operator: 'exact-dedup', rule: 'duplicate', count: 5, perSecond: 2.5, total: 5 },
      ],
      byOperator: [
        { operator: 'normalize', count: 0, perSecond: 0, total: 0 },
        { operator: 'exact-dedup', count: 5, perSecond: 2.5, total: 5 },
      ],
    },
    llm: null,
    error: null,
    ...overrides,
  };
}

/** Splits a rendered line into its cells, which are two or more spaces apart. */
function cells(line: string | undefined): string[] {
  return (line ?? '').trim().split(/\s{2,}/);
}

function lineStarting(text: string, start: string): string | undefined {
  return text.split('\n').find((line) => line.startsWith(start));
}

describe('renderText', () => {
  const text = renderText(snapshot());

  it('shows a row per tier topic', () => {
    expect(cells(lineStarting(text, 'l0 '))).toEqual(['l0', 'demo.l0', '3', '1,234', '12.5']);
    expect(cells(lineStarting(text, 'l1 '))).toEqual(['l1', 'demo.l1', '3', '800', '4.0']);
    expect(cells(lineStarting(text, 'rejected '))).toEqual(['rejected', 'demo.rejected', '3', '434', '8.5']);
  });

  it('says when a topic is missing', () => {
    expect(cells(lineStarting(text, 'l2 '))).toEqual(['l2', 'demo.l2', '-', 'topic not found', '-']);
  });

  it('shows a row per stage', () => {
    expect(cells(lineStarting(text, 'filter '))).toEqual(['filter', 'demo.l0 -> demo.l1', 'demo.filter', 'Stable', '2', '42', '12.5', '4.0']);
  });

  it('shows the top rules, busiest first', () => {
    const lines = text.split('\n');
    const header = lines.findIndex((line) => line.startsWith('TOP RULES'));
    expect(cells(lines[header + 1])).toEqual(['gopher_short_doc', 'heuristic-filter', '6.0', '12', '12']);
    expect(cells(lines[header + 2])).toEqual(['duplicate', 'exact-dedup', '2.5', '5', '5']);
  });

  it('shows rejections per operator', () => {
    expect(cells(lineStarting(text, 'normalize '))).toEqual(['normalize', '0.0', '0', '0']);
  });

  it('summarizes the rejection window', () => {
    expect(lineStarting(text, 'REJECTIONS')).toBe('REJECTIONS  8.5/s over the last 60 s (2 s of data so far), 17 since start');
  });

  it('says how to see LLM throughput when no /metrics address was given', () => {
    expect(text).toContain('LLM tokens/s: n/a (pass --metrics-url');
  });

  it('shows LLM token and request rates and the /metrics addresses that did not answer', () => {
    const llm = {
      sources: ['http://127.0.0.1:9464/metrics', 'http://127.0.0.1:9465/metrics'],
      unreachable: ['http://127.0.0.1:9465/metrics'],
      promptTokens: 1200,
      completionTokens: 300,
      requests: 12,
      tokensPerSecond: 75.25,
      requestsPerSecond: 0.5,
    };
    const withLlm = renderText({ ...snapshot(), llm });
    expect(lineStarting(withLlm, 'LLM tokens/s')).toBe(
      'LLM tokens/s: 75.3  requests/s: 0.5  tokens so far: 1200 prompt, 300 completion  (from 1 of 2 /metrics; not answering: http://127.0.0.1:9465/metrics)',
    );
  });

  it('contains no control sequences', () => {
    expect(text).not.toContain('\x1b');
  });

  it('shows missing topic and group', () => {
    const base = snapshot();
    const missing = renderText(
      snapshot({
        rejections: { ...base.rejections, reading: false },
        stages: [{ ...base.stages[0]!, state: 'Dead', members: 0, lag: null }],
      }),
    );
    expect(missing).toContain('REJECTIONS  demo.rejected: topic not found, waiting for it');
    expect(cells(lineStarting(missing, 'filter '))).toEqual(['filter', 'demo.l0 -> demo.l1', 'demo.filter', 'no group', '0', 'input topic not found', '12.5', '4.0']);
  });

  it('shows an empty window', () => {
    const base = snapshot();
    const quiet = renderText(snapshot({ rejections: { ...base.rejections, topRules: [] } }));
    expect(quiet).toContain('TOP RULES  no rejections in the last 60 s');
  });

  it('shows a failed poll and the footer', () => {
    const failed = renderText(snapshot({ error: 'request timed out' }), 'Ctrl-C to exit');
    expect(failed).toContain('last poll failed: request timed out (showing the previous values)');
    expect(failed.trimEnd().endsWith('Ctrl-C to exit')).toBe(true);
  });

  it('omits rates before a second sample', () => {
    expect(renderText(snapshot({ sampleSeconds: null }))).toContain('rates after the next sample');
  });
});

describe('renderFrame', () => {
  it('redraws from the top and clears leftovers', () => {
    const frame = renderFrame('ab\ncd\n');
    expect(frame).toBe(`${ANSI.cursorHome}ab${ANSI.clearLineEnd}\ncd${ANSI.clearLineEnd}\n${ANSI.clearScreenEnd}`);
  });

  it('cuts lines to the terminal width', () => {
    const frame = renderFrame('abcdef\n', 4);
    expect(frame).toContain(`abcd${ANSI.clearLineEnd}`);
    expect(frame).not.toContain('abcde');
  });

  it('drops rows that would scroll the terminal', () => {
    const frame = renderFrame('1\n2\n3\n4\n', 80, 3);
    expect(frame).toContain('2');
    expect(frame).not.toContain('3');
  });
});

describe('formatTable', () => {
  it('pads left-aligned and right-aligned columns', () => {
    expect(formatTable(['A', 'NUM'], [['xyz', '1'], ['q', '200']], ['l', 'r'])).toEqual(['A    NUM', 'xyz    1', 'q    200']);
  });
});

describe('formatRate', () => {
  it.each([
    [null, '-'],
    [0, '0.0'],
    [0.04, '0.0'],
    [12.34, '12.3'],
    [1234.6, '1,235'],
  ])('formats %s as %s', (value, expected) => {
    expect(formatRate(value)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { TOPIC_ROLES, topicNames, type TopicRole } from '../core/topics.js';
import { defaultTopology } from '../topologies/default.js';
import { RejectionWindow } from './rejection-window.js';
import { buildSnapshot, topologyOperators } from './snapshot.js';
import type { GroupSample, RejectionStatus, Sample, TopicSample } from './types.js';

const prefix = 'demo';
const topics = topicNames(prefix);
const context = { prefix, brokers: ['127.0.0.1:9092'], topology: defaultTopology, topics };
const t0 = Date.UTC(2025, 0, 1, 12, 0, 0);

function sample(time: number, highs: Partial<Record<TopicRole, number[]>>, group?: Partial<GroupSample>): Sample {
  const topicSamples = {} as Record<TopicRole, TopicSample>;
  for (const role of TOPIC_ROLES) {
    const partitionHighs = highs[role];
    topicSamples[role] = partitionHighs
      ? { topic: topics[role], found: true, partitions: partitionHighs.map((high, partition) => ({ partition, low: 0, high })) }
      : { topic: topics[role], found: false, partitions: [] };
  }
  const groups = new Map<string, GroupSample>();
  if (group) groups.set('filter', { groupId: 'demo.filter', state: 'Stable', members: 1, committed: new Map(), ...group });
  return { time, topics: topicSamples, groups };
}

function rejections(time: number): RejectionStatus {
  const window = new RejectionWindow(60, t0);
  window.add('heuristic-filter', 'gopher_short_doc', t0 + 500);
  return { topic: topics.rejected, reading: true, undecodable: 0, ...window.summarize(time, topologyOperators(defaultTopology)) };
}

describe('buildSnapshot', () => {
  const before = sample(t0, { l0: [100, 100], l1: [10], rejected: [5], dlq: [0] }, { committed: new Map([[0, 50]]) });
  const after = sample(t0 + 2000, { l0: [110, 130], l1: [30], rejected: [25], dlq: [0] }, { committed: new Map([[0, 90], [1, 30]]) });
  const snapshot = buildSnapshot(context, after, before, rejections(t0 + 2000));

  it('computes totals and rates per topic', () => {
    expect(snapshot.topics.l0).toEqual({ topic: 'demo.l0', found: true, partitions: 2, records: 240, recordsPerSecond: 20 });
    expect(snapshot.topics.l1.recordsPerSecond).toBe(10);
    expect(snapshot.topics.dlq.recordsPerSecond).toBe(0);
  });

  it('marks missing topics as not found', () => {
    expect(snapshot.topics.l2).toEqual({ topic: 'demo.l2', found: false, partitions: 0, records: null, recordsPerSecond: null });
  });

  it('computes lag and rates per stage', () => {
    expect(snapshot.stages.map((s) => s.stage)).toEqual(['filter', 'select', 'refine', 'verify']);
    const [stage, select] = snapshot.stages;
    expect(stage).toEqual({
      stage: 'filter',
      group: 'demo.filter',
      input: 'demo.l0',
      output: 'demo.l1',
      operators: ['html-extract', 'normalize', 'exact-dedup', 'minhash-dedup', 'langid', 'heuristic-filter'],
      state: 'Stable',
      members: 1,
      lag: 120,
      consumedPerSecond: 35,
      outPerSecond: 10,
    });
    // A stage with no consumer group yet (no LLM endpoint configured) shows as not running.
    expect(select).toMatchObject({ stage: 'select', group: 'demo.select', state: 'Dead', members: 0, input: 'demo.l1', output: 'demo.l2' });
  });

  it('has the documented top-level shape', () => {
    const parsed = JSON.parse(JSON.stringify(snapshot)) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(
      ['brokers', 'error', 'llm', 'prefix', 'rejections', 'sampleSeconds', 'stages', 'time', 'topics', 'topology'].sort(),
    );
    expect(Object.keys(parsed.topics as object)).toEqual([...TOPIC_ROLES]);
    expect(parsed.llm).toBeNull();
    expect(parsed.error).toBeNull();
    expect(parsed.time).toBe('2025-01-01T12:00:02.000Z');
    expect(parsed.sampleSeconds).toBe(2);
    expect(parsed.prefix).toBe('demo');
    expect(parsed.topology).toBe('default');
  });

  it('carries the rejection summary', () => {
    expect(snapshot.rejections.topic).toBe('demo.rejected');
    expect(snapshot.rejections.countInWindow).toBe(1);
    expect(snapshot.rejections.topRules).toEqual([{ operator: 'heuristic-filter', rule: 'gopher_short_doc', count: 1, perSecond: 0.5, total: 1 }]);
    expect(snapshot.rejections.byOperator.map((entry) => entry.operator)).toEqual([
      'html-extract',
      'normalize',
      'exact-dedup',
      'minhash-dedup',
      'langid',
      'heuristic-filter',
      'llm-scorer',
      'llm-editor',
      'llm-synthesizer',
      'verifier',
    ]);
  });

  it('leaves rates null for the first sample', () => {
    const first = buildSnapshot(context, before, undefined, rejections(t0));
    expect(first.sampleSeconds).toBeNull();
    expect(first.topics.l0.recordsPerSecond).toBeNull();
    expect(first.topics.l0.records).toBe(200);
    expect(first.stages[0]!.consumedPerSecond).toBeNull();
    expect(first.stages[0]!.lag).toBe(150);
  });

  it('reports a group Kafka does not know as Dead with full lag', () => {
    const noGroup = sample(t0, { l0: [7] });
    const result = buildSnapshot(context, noGroup, undefined, rejections(t0));
    expect(result.stages[0]!.state).toBe('Dead');
    expect(result.stages[0]!.members).toBe(0);
    expect(result.stages[0]!.lag).toBe(7);
  });

  it('leaves lag null when the input topic is missing', () => {
    const empty = sample(t0, {});
    const result = buildSnapshot(context, empty, undefined, rejections(t0));
    expect(result.stages[0]!.lag).toBeNull();
  });

  it('returns a null rate for a topic that was recreated', () => {
    const recreated = sample(t0 + 2000, { l0: [3, 0] });
    const result = buildSnapshot(context, recreated, before, rejections(t0 + 2000));
    expect(result.topics.l0.recordsPerSecond).toBeNull();
  });

  it('passes the poll error through', () => {
    const result = buildSnapshot(context, after, before, rejections(t0 + 2000), 'request timed out');
    expect(result.error).toBe('request timed out');
  });
});

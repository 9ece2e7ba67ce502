import { describe, expect, it } from 'vitest';
import { parseTopicRole, resolveTopicPrefix, topicNames } from './topics.js';

describe('topic naming', () => {
  it('names every tier, rejected and dlq under the prefix', () => {
    expect(topicNames('corpus-v2')).toEqual({
      l0: 'corpus-v2.l0',
      l1: 'corpus-v2.l1',
      l2: 'corpus-v2.l2',
      l3: 'corpus-v2.l3',
      l4: 'corpus-v2.l4',
      rejected: 'corpus-v2.rejected',
      dlq: 'corpus-v2.dlq',
    });
  });

  it('prefers the option, then the environment, then tiers', () => {
    expect(resolveTopicPrefix('opt', { TIERS_TOPIC_PREFIX: 'env' })).toBe('opt');
    expect(resolveTopicPrefix(undefined, { TIERS_TOPIC_PREFIX: 'env' })).toBe('env');
    expect(resolveTopicPrefix(undefined, {})).toBe('tiers');
  });

  it('rejects a prefix Kafka cannot name a topic with', () => {
    expect(() => resolveTopicPrefix('bad prefix', {})).toThrow(/invalid topic prefix "bad prefix"/);
  });

  it('parses tier names case-insensitively', () => {
    expect(parseTopicRole('L1')).toBe('l1');
    expect(() => parseTopicRole('l9')).toThrow(/unknown tier "l9"/);
  });
});

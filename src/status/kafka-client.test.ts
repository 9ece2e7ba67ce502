import { describe, expect, it } from 'vitest';
import { brokerNotReady, brokerUnreachable, isTransientKafkaError } from './kafka-client.js';

/** Builds an error shaped like kafkajs's KafkaJSProtocolError, which carries the Kafka error name in `type`. */
function protocolError(type: string): Error {
  return Object.assign(new Error(`protocol error ${type}`), { type });
}

describe('isTransientKafkaError', () => {
  it('accepts a coordinator still loading', () => {
    expect(isTransientKafkaError(protocolError('GROUP_LOAD_IN_PROGRESS'))).toBe(true);
  });

  it('finds the code in the cause chain', () => {
    const retriesExceeded = new Error('retries exceeded', { cause: protocolError('NOT_LEADER_FOR_PARTITION') });
    expect(isTransientKafkaError(new Error('poll failed', { cause: retriesExceeded }))).toBe(true);
  });

  it.each([
    ['a connection error', new Error('Connection error: connect ECONNREFUSED 127.0.0.1:1')],
    ['an authorization error', protocolError('TOPIC_AUTHORIZATION_FAILED')],
    ['a string', 'GROUP_LOAD_IN_PROGRESS'],
  ])('rejects %s', (_case, err) => {
    expect(isTransientKafkaError(err)).toBe(false);
  });
});

describe('broker errors', () => {
  it('names the brokers and the fix when unreachable', () => {
    const err = brokerUnreachable(['127.0.0.1:1', 'kafka:9092'], new Error('connect ECONNREFUSED'));
    expect(err.message).toContain('cannot reach Kafka at 127.0.0.1:1,kafka:9092: connect ECONNREFUSED');
    expect(err.message).toContain('npm run kafka:start');
    expect(err.message).toContain('--brokers');
    expect(err.code).toBe('TIERS_TRANSPORT_FAILED');
  });

  it('asks to retry when the broker is not ready', () => {
    const err = brokerNotReady(['127.0.0.1:9092'], protocolError('GROUP_LOAD_IN_PROGRESS'));
    expect(err.message).toBe('Kafka at 127.0.0.1:9092 is not ready: protocol error GROUP_LOAD_IN_PROGRESS. Try again in a few seconds.');
  });
});

import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';

function breaker(threshold = 3, openMs = 1000) {
  let now = 0;
  const changes: Array<[CircuitState, number]> = [];
  const b = new CircuitBreaker({ failureThreshold: threshold, openMs, now: () => now, onChange: (s, n) => changes.push([s, n]) });
  return { b, changes, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('opens after failures in a row', () => {
    const { b, changes } = breaker(3);
    for (let i = 0; i < 2; i++) {
      expect(b.tryAcquire()).toBe(true);
      b.failure();
    }
    expect(b.state).toBe('closed');
    b.failure();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    expect(b.remainingOpenMs()).toBe(1000);
    expect(changes).toEqual([['open', 3]]);
  });

  it('counts only failures in a row', () => {
    const { b } = breaker(3);
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
  });

  it('allows one trial when half-open', () => {
    const { b, changes, advance } = breaker(1, 1000);
    b.failure();
    advance(999);
    expect(b.tryAcquire()).toBe(false);
    advance(1);
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
    expect(changes).toEqual([
      ['open', 1],
      ['closed', 0],
    ]);
  });

  it('opens again for a full period when the trial fails', () => {
    const { b, advance } = breaker(5, 1000);
    for (let i = 0; i < 5; i++) b.failure();
    advance(1500);
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    expect(b.remainingOpenMs()).toBe(1000);
  });
});

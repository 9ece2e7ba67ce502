import { describe, expect, it } from 'vitest';
import { requestSeed, synthesizedId } from './ids.js';

describe('synthesizedId', () => {
  it('is 32 stable hex digits', () => {
    const id = synthesizedId('doc-1', 'qa', 'item-0', 'synth-qa/1');

    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(synthesizedId('doc-1', 'qa', 'item-0', 'synth-qa/1')).toBe(id);
  });

  it('changes with each of its parts', () => {
    const base = synthesizedId('doc-1', 'qa', 'item-0', 'synth-qa/1');
    const variants = [
      synthesizedId('doc-2', 'qa', 'item-0', 'synth-qa/1'),
      synthesizedId('doc-1', 'textbook', 'item-0', 'synth-qa/1'),
      synthesizedId('doc-1', 'qa', 'item-1', 'synth-qa/1'),
      synthesizedId('doc-1', 'qa', 'item-0', 'synth-qa/2'),
    ];

    expect(new Set([base, ...variants]).size).toBe(5);
  });

  it('keeps moved separators apart', () => {
    expect(synthesizedId('a:qa', 'qa', 'b', 'v')).not.toBe(synthesizedId('a', 'qa', 'qa:b', 'v'));
  });

  it('keeps Chinese parent ids apart', () => {
    expect(synthesizedId('文档一', 'qa', 'item-0', 'synth-qa/1')).not.toBe(synthesizedId('文档二', 'qa', 'item-0', 'synth-qa/1'));
  });
});

describe('requestSeed', () => {
  it('is a stable 31-bit integer', () => {
    const seed = requestSeed(0, 'doc-1', 'rewrite', 'wiki');

    expect(Number.isInteger(seed)).toBe(true);
    expect(seed).toBeGreaterThanOrEqual(0);
    expect(seed).toBeLessThan(2 ** 31);
    expect(requestSeed(0, 'doc-1', 'rewrite', 'wiki')).toBe(seed);
  });

  it('differs between styles and base seeds', () => {
    const seeds = new Set([
      requestSeed(0, 'doc-1', 'rewrite', 'wiki'),
      requestSeed(0, 'doc-1', 'rewrite', 'textbook'),
      requestSeed(1, 'doc-1', 'rewrite', 'wiki'),
    ]);

    expect(seeds.size).toBe(3);
  });
});

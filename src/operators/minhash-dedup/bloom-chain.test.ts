import { describe, expect, it } from 'vitest';
import { BloomChain } from './bloom-chain.js';
import { fmix32 } from './hash.js';

/** Deterministic 8-byte keys that look like hash output; `stream` separates key sets. */
function key(index: number, stream: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeInt32LE(fmix32(index ^ Math.imul(stream, 0x9e3779b9)), 0);
  buffer.writeInt32LE(fmix32(fmix32(index) + stream), 4);
  return buffer;
}

describe('BloomChain', () => {
  it('allocates nothing before the first add', () => {
    const chain = new BloomChain({ expectedItems: 1_000_000, falsePositiveRate: 1e-6 });

    expect(chain.bytes).toBe(0);
    expect(chain.filterCount).toBe(0);
    expect(chain.has(key(1, 0))).toBe(false);
  });

  it('finds every added key across growth', () => {
    const chain = new BloomChain({ expectedItems: 1000, falsePositiveRate: 1e-6 });
    for (let i = 0; i < 20_000; i++) chain.add(key(i, 1));

    // 1,000 + 4,000 + 16,000 keys fit in three filters.
    expect(chain.filterCount).toBe(3);
    expect(chain.items).toBe(20_000);
    let missing = 0;
    for (let i = 0; i < 20_000; i++) if (!chain.has(key(i, 1))) missing++;
    expect(missing).toBe(0);
  });

  it('keeps false positives under the configured rate', () => {
    const chain = new BloomChain({ expectedItems: 1000, falsePositiveRate: 0.01 });
    for (let i = 0; i < 21_000; i++) chain.add(key(i, 2));

    let falsePositives = 0;
    const probes = 200_000;
    for (let i = 0; i < probes; i++) if (chain.has(key(i, 3))) falsePositives++;

    // The three filters are full, so the rate should sit just under the bound of 0.01.
    expect(falsePositives / probes).toBeLessThan(0.01);
    expect(falsePositives / probes).toBeGreaterThan(0.002);
  });

  it('sizes a filter from expectedItems and falsePositiveRate', () => {
    const chain = new BloomChain({ expectedItems: 100_000, falsePositiveRate: 1e-6 });
    chain.add(key(0, 4));

    // The first filter gets half the rate, 5e-7: −ln(5e-7) / ln(2)² ≈ 30.2 bits per key.
    expect(chain.bytes).toBeGreaterThan(370_000);
    expect(chain.bytes).toBeLessThan(385_000);
  });

  it('rejects keys that are not 8-byte Buffers', () => {
    const chain = new BloomChain({ expectedItems: 10, falsePositiveRate: 0.01 });

    expect(() => chain.add(Buffer.alloc(4))).toThrow(TypeError);
  });
});

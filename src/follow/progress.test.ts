import { describe, expect, test } from 'vitest';
import { ProgressStore, decodeProgress, defaultIngesterId, encodeProgress, planResume, type ProgressEntry } from './progress.js';

function entry(overrides: Partial<ProgressEntry> = {}): ProgressEntry {
  return {
    sha256: 'ab'.repeat(32),
    path: '/crawl/part-1.jsonl',
    fileName: 'part-1.jsonl',
    size: 1234,
    mtimeMs: 1_700_000_000_000,
    state: 'in-progress',
    records: 40,
    time: 1_700_000_001_000,
    ingesterId: 'tiers.ingest.x',
    error: null,
    ...overrides,
  };
}

describe('progress encoding', () => {
  test('round trip keeps every field', () => {
    const message = encodeProgress(entry());
    expect(message.key).toBe('ab'.repeat(32));
    expect(decodeProgress(message.key, message.value)).toEqual(entry());
  });

  test('broken entry keeps its error', () => {
    const broken = entry({ state: 'broken', error: 'gzip data is truncated' });
    const message = encodeProgress(broken);
    expect(decodeProgress(message.key, message.value)?.error).toBe('gzip data is truncated');
  });

  test('invalid JSON decodes to null', () => {
    expect(decodeProgress(null, Buffer.from('{not json'))).toBeNull();
  });

  test('unknown state decodes to null', () => {
    const value = Buffer.from(JSON.stringify({ ...entry(), state: 'paused' }));
    expect(decodeProgress(null, value)).toBeNull();
  });

  test('key that differs from the hash decodes to null', () => {
    expect(decodeProgress('cd'.repeat(32), encodeProgress(entry()).value)).toBeNull();
  });
});

describe('planResume', () => {
  test('unknown content starts at the first item', () => {
    expect(planResume(undefined, 'new.jsonl')).toEqual({ action: 'ingest', from: 0, fileName: 'new.jsonl' });
  });

  test('done content is skipped', () => {
    expect(planResume(entry({ state: 'done' }), 'copy.jsonl').action).toBe('skip');
  });

  test('broken content is skipped', () => {
    expect(planResume(entry({ state: 'broken' }), 'part-1.jsonl').action).toBe('skip');
  });

  test('in-progress content resumes after the last published item under its first name', () => {
    expect(planResume(entry({ records: 40 }), 'renamed.jsonl')).toEqual({ action: 'ingest', from: 40, fileName: 'part-1.jsonl' });
  });
});

describe('ProgressStore', () => {
  test('later update replaces the earlier one', () => {
    const store = new ProgressStore();
    store.apply(entry({ records: 20 }));
    store.apply(entry({ records: 60, state: 'done' }));
    expect(store.size).toBe(1);
    expect(store.get('ab'.repeat(32))?.state).toBe('done');
  });

  test('finishedAt matches path, size and mtime of a finished file', () => {
    const store = new ProgressStore();
    store.apply(entry({ state: 'done' }));
    expect(store.finishedAt('/crawl/part-1.jsonl', 1234, 1_700_000_000_000)?.state).toBe('done');
    expect(store.finishedAt('/crawl/part-1.jsonl', 1235, 1_700_000_000_000)).toBeUndefined();
    expect(store.finishedAt('/crawl/other.jsonl', 1234, 1_700_000_000_000)).toBeUndefined();
  });

  test('finishedAt ignores files in progress', () => {
    const store = new ProgressStore();
    store.apply(entry());
    expect(store.finishedAt('/crawl/part-1.jsonl', 1234, 1_700_000_000_000)).toBeUndefined();
  });
});

describe('defaultIngesterId', () => {
  test('does not depend on folder order', () => {
    expect(defaultIngesterId('tiers', ['/b', '/a'])).toBe(defaultIngesterId('tiers', ['/a', '/b']));
  });

  test('differs by prefix and folders', () => {
    expect(defaultIngesterId('tiers', ['/a'])).not.toBe(defaultIngesterId('other', ['/a']));
    expect(defaultIngesterId('tiers', ['/a'])).not.toBe(defaultIngesterId('tiers', ['/b']));
  });
});

import { describe, expect, test } from 'vitest';
import { FileTracker, judgeCompleteness, quietMs, type ContentCheck, type FileState } from './completeness.js';

const options = { stableMs: 10_000, brokenAfterMs: 50_000 };
const NOW = 1_700_000_000_000;

function state(overrides: Partial<FileState> = {}): FileState {
  return { size: 100, mtimeMs: NOW - 1000, unchangedSince: NOW - 1000, renamedIn: false, ...overrides };
}

function check(overrides: Partial<ContentCheck> = {}): ContentCheck {
  return { sha256: 'a'.repeat(64), size: 100, streamComplete: true, error: null, ...overrides };
}

describe('quietMs', () => {
  test('counts from the mtime when it is older than the first sighting', () => {
    expect(quietMs(state({ mtimeMs: NOW - 60_000, unchangedSince: NOW }), NOW)).toBe(60_000);
  });

  test('counts from the first sighting when the mtime is in the future', () => {
    expect(quietMs(state({ mtimeMs: NOW + 5000, unchangedSince: NOW - 2000 }), NOW)).toBe(2000);
  });
});

describe('judgeCompleteness', () => {
  test('recently modified file waits', () => {
    expect(judgeCompleteness(state(), NOW, options, null).kind).toBe('wait');
  });

  test('quiet file asks for a content check', () => {
    const quiet = state({ mtimeMs: NOW - 11_000, unchangedSince: NOW - 11_000 });
    expect(judgeCompleteness(quiet, NOW, options, null).kind).toBe('check');
  });

  test('file renamed from a temporary name is checked at once', () => {
    expect(judgeCompleteness(state({ renamedIn: true }), NOW, options, null).kind).toBe('check');
  });

  test('quiet plain file with a check is complete', () => {
    const quiet = state({ mtimeMs: NOW - 11_000 });
    expect(judgeCompleteness(quiet, NOW, options, check()).kind).toBe('complete');
  });

  test('check of another size means the file changed while read', () => {
    const quiet = state({ mtimeMs: NOW - 11_000 });
    expect(judgeCompleteness(quiet, NOW, options, check({ size: 150 }))).toEqual({ kind: 'wait', reason: 'changed while it was read' });
  });

  test('truncated compressed file waits', () => {
    const quiet = state({ mtimeMs: NOW - 11_000 });
    const truncated = check({ streamComplete: false, error: 'gzip data is truncated' });
    expect(judgeCompleteness(quiet, NOW, options, truncated)).toEqual({ kind: 'wait', reason: 'compressed stream is truncated' });
  });

  test('renamed truncated file still waits', () => {
    const truncated = check({ streamComplete: false, error: 'gzip data is truncated' });
    expect(judgeCompleteness(state({ renamedIn: true }), NOW, options, truncated).kind).toBe('wait');
  });

  test('truncated file quiet past the limit is broken', () => {
    const old = state({ mtimeMs: NOW - 50_000 });
    const truncated = check({ streamComplete: false, error: 'gzip data is truncated' });
    expect(judgeCompleteness(old, NOW, options, truncated)).toEqual({ kind: 'broken', error: 'gzip data is truncated' });
  });
});

describe('FileTracker', () => {
  test('unchanged observation keeps the state', () => {
    const tracker = new FileTracker();
    const first = tracker.observe('/d/a.jsonl', 10, 5, NOW);
    const second = tracker.observe('/d/a.jsonl', 10, 5, NOW + 1000);
    expect(first.isNew).toBe(true);
    expect(second.isNew).toBe(false);
    expect(second.file).toBe(first.file);
    expect(second.file.unchangedSince).toBe(NOW);
  });

  test('growth restarts the wait and drops the check', () => {
    const tracker = new FileTracker();
    const first = tracker.observe('/d/a.jsonl', 10, 5, NOW);
    first.file.check = check({ size: 10 });
    const grown = tracker.observe('/d/a.jsonl', 20, 6, NOW + 1000);
    expect(grown.file.unchangedSince).toBe(NOW + 1000);
    expect(grown.file.check).toBeNull();
    expect(grown.changedAfterHandled).toBe(false);
  });

  test('change after handling is reported', () => {
    const tracker = new FileTracker();
    tracker.observe('/d/a.jsonl', 10, 5, NOW).file.handled = true;
    const changed = tracker.observe('/d/a.jsonl', 20, 6, NOW + 1000);
    expect(changed.changedAfterHandled).toBe(true);
    expect(changed.file.handled).toBe(false);
  });

  test('file appearing where a temporary file was is renamed in', () => {
    const tracker = new FileTracker();
    tracker.setExpectedRenames(['/d/a.jsonl']);
    expect(tracker.observe('/d/a.jsonl', 10, 5, NOW).file.renamedIn).toBe(true);
    expect(tracker.observe('/d/b.jsonl', 10, 5, NOW).file.renamedIn).toBe(false);
  });

  test('path that vanished is new again when it returns', () => {
    const tracker = new FileTracker();
    tracker.observe('/d/a.jsonl', 10, 5, NOW);
    tracker.retainOnly(new Set());
    expect(tracker.get('/d/a.jsonl')).toBeUndefined();
    expect(tracker.observe('/d/a.jsonl', 10, 5, NOW).isNew).toBe(true);
  });
});

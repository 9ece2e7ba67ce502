import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { makeRecord } from '../core/testing.js';
import { parseLabelLine, readLabelFile, type LabelFileCounts, type LabelledDocument } from './labels.js';

const log = pino({ level: 'silent' });

function scoredRecord(text: string, score: number | undefined, overrides: Parameters<typeof makeRecord>[1] = {}) {
  return makeRecord(text, {
    tier: 'l2',
    signals: score === undefined ? {} : { llm_score: score },
    lineage: [
      { operator: 'normalize', version: '1.0.0', time: 1, action: 'promote', parentId: null, details: null },
      { operator: 'llm-scorer', version: '1.0.0', time: 2, action: 'promote', parentId: null, details: { prompt: 'score-web-zh/1', model: 'gemma-3-270m', score: String(score) } },
    ],
    ...overrides,
  });
}

function line(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

describe('parseLabelLine', () => {
  it('reads a tier record with its rubric and model', () => {
    const parsed = parseLabelLine(line(scoredRecord('高质量的数学讲解。', 4, { id: 'doc-1', domain: 'math' })));

    expect(parsed).toEqual({ id: 'doc-1', domain: 'math', text: '高质量的数学讲解。', score: 4, promptVersion: 'score-web-zh/1', llmModel: 'gemma-3-270m' });
  });

  it('reads the record inside a rejected record', () => {
    const rejected = { record: scoredRecord('buy now', 1, { id: 'doc-2' }), operator: 'llm-scorer', operatorVersion: '1.0.0', rule: 'llm_score_below_threshold', reason: 'low', value: 1, duplicateOf: null, time: 3 };

    expect((parseLabelLine(line(rejected)) as LabelledDocument).score).toBe(1);
    expect((parseLabelLine(line(rejected)) as LabelledDocument).id).toBe('doc-2');
  });

  it('returns null for records without an integer score from 0 to 5', () => {
    expect(parseLabelLine(line(scoredRecord('text', undefined)))).toBeNull();
    expect(parseLabelLine(line(scoredRecord('text', 2.5)))).toBeNull();
    expect(parseLabelLine(line(scoredRecord('text', 6)))).toBeNull();
  });

  it('explains unusable lines', () => {
    expect(parseLabelLine(Buffer.from('{"text": '))).toMatch(/^not valid JSON/);
    expect(parseLabelLine(Buffer.from('[1, 2]'))).toBe('not a JSON object');
    expect(parseLabelLine(line({ signals: { llm_score: 3 } }))).toBe('has no string "text" field');
    expect(parseLabelLine(Buffer.alloc(0), true)).toMatch(/^longer than/);
  });

  it('leaves rubric and model null when the lineage lacks them', () => {
    const parsed = parseLabelLine(line({ text: 'plain', signals: { llm_score: 3 } })) as LabelledDocument;

    expect(parsed.promptVersion).toBeNull();
    expect(parsed.llmModel).toBeNull();
    expect(parsed.domain).toBe('web');
  });
});

describe('readLabelFile', () => {
  it('reads gzip JSON lines and counts what it skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiers-labels-'));
    const path = join(dir, 'rejected.jsonl.gz');
    const lines = [
      JSON.stringify(scoredRecord('一篇好文章', 5, { id: 'a' })),
      '',
      'not json',
      JSON.stringify(scoredRecord('no score', undefined, { id: 'b' })),
      JSON.stringify({ text: 'anonymous', signals: { llm_score: 0 } }),
    ];
    writeFileSync(path, gzipSync(lines.join('\n') + '\n'));
    const counts: LabelFileCounts = { lines: 0, invalidLines: 0, withoutScore: 0 };

    const documents: LabelledDocument[] = [];
    for await (const doc of readLabelFile(path, counts, log)) documents.push(doc);

    expect(documents.map((doc) => [doc.id, doc.score])).toEqual([
      ['a', 5],
      ['rejected.jsonl.gz:5', 0],
    ]);
    expect(counts).toEqual({ lines: 4, invalidLines: 1, withoutScore: 1 });
  });

  it('rejects a missing file and other formats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiers-labels-'));
    const counts: LabelFileCounts = { lines: 0, invalidLines: 0, withoutScore: 0 };

    await expect(readLabelFile(join(dir, 'missing.jsonl'), counts, log).next()).rejects.toThrow(/labels file .*missing.jsonl does not exist/);
    await expect(readLabelFile(join(dir, 'labels.csv'), counts, log).next()).rejects.toThrow(/must be JSON lines/);
  });
});

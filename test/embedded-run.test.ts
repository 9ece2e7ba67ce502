import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../src/runtime/embedded-run.js';
import { dataFiles, parseJsonLines, runCli, sharedData } from './support/cli.js';

async function runTo(inputs: string[], extra: string[] = []) {
  const out = await mkdtemp(join(tmpdir(), 'tiers-run-'));
  const result = await runCli(['run', ...inputs, '--out', out, ...extra]);
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as RunReport;
  const read = async (role: string) => parseJsonLines(await readFile(join(out, `${role}.jsonl`), 'utf8'));
  return { result, report, read };
}

describe('tiers run', () => {
  it('balances every stage over all shared data', async () => {
    const { result, report, read } = await runTo(dataFiles(sharedData));

    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(report.conservation.errors).toEqual([]);
    const { inputs } = report;
    expect(inputs.read).toBe(inputs.promoted + inputs.rejected + inputs.dlq);
    for (const stage of report.stages) {
      const rejected = stage.operators.reduce((sum, op) => sum + op.rejected, 0);
      expect(stage.consumed).toBe(stage.promoted + rejected + stage.dlq);
      for (const op of stage.operators) expect(op.in).toBe(op.promoted + op.rejected);
    }
    const l0 = await read('l0');
    const l1 = await read('l1');
    const rejected = await read('rejected');
    expect(l0.length).toBe(inputs.promoted);
    expect(l1.length).toBe(report.stages[0]!.promoted);
    expect(rejected.length).toBe(inputs.rejected + report.stages[0]!.rejected);
    expect(l1.length).toBeGreaterThan(100);
    expect(l1.every((r) => r.tier === 'l1')).toBe(true);
  });

  it('measures clean Chinese text by words, not by spaces', async () => {
    const { report, read } = await runTo([join(sharedData, 'labelled/quality/clean.jsonl')]);

    const l1 = await read('l1');
    const rules = (await read('rejected')).map((r) => r.rule as string);
    expect(report.inputs.promoted).toBe(10);
    expect(l1.length).toBeGreaterThanOrEqual(5);
    // These rules would fire if a text without spaces were read as one long word.
    const wordCountRules = ['gopher_short_doc', 'gopher_mean_word_length_too_long', 'gopher_too_few_alpha_words'];
    expect(rules.filter((rule) => wordCountRules.includes(rule))).toEqual([]);
    for (const record of l1) expect(record.signals).toHaveProperty('gopher_word_count');
    const words = l1.map((r) => (r.signals as Record<string, number>).gopher_word_count!);
    expect(Math.min(...words)).toBeGreaterThan(50);
  });

  it('routes bad input to rejected or the DLQ and keeps the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tiers-bad-'));
    const good = JSON.stringify({ id: 'good', text: (await readFile(join(sharedData, 'labelled/quality/high_quality_wiki_reference.txt'), 'utf8')).slice(0, 20_000) });
    const lines = [
      Buffer.from('{"id": "broken", "text": \n'),
      Buffer.from(JSON.stringify({ id: 'no-text', body: 'x' }) + '\n'),
      Buffer.from(JSON.stringify({ id: 'empty', text: '' }) + '\n'),
      Buffer.concat([Buffer.from('{"id": "bad-utf8", "text": "caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]),
      Buffer.from(JSON.stringify({ id: 'huge', text: 'word '.repeat(4 * 1024 * 1024) }) + '\n'),
      Buffer.from(JSON.stringify({ id: 'large', text: 'word '.repeat(1024 * 1024) }) + '\n'),
      // A raw NUL byte inside a JSON string is invalid JSON.
      Buffer.from('{"id": "nul", "text": "a\u0000b"}\n'),
      Buffer.from(good + '\n'),
    ];
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, Buffer.concat(lines));

    const { result, report, read } = await runTo([file]);

    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(report.inputs.read).toBe(8);
    // The 20 MB line is longer than the reader buffers at all, so it goes to the DLQ whole-line-less.
    expect(report.inputs.dlq).toBe(4);
    expect(report.inputs.rules).toMatchObject({ ingest_missing_text: 1, ingest_empty_text: 1, ingest_text_too_large: 1 });
    const dead = await read('dlq');
    expect(dead.map((d) => d.position).sort()).toEqual(['line 1', 'line 4', 'line 5', 'line 7']);
    const huge = dead.find((d) => d.position === 'line 5')!;
    expect(huge.error).toMatch(/bad\.jsonl/);
    const l1 = await read('l1');
    expect(l1.map((r) => r.id)).toEqual(['good']);
  });
});

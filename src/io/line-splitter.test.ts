import { describe, expect, test } from 'vitest';
import { splitLines, type Line } from './line-splitter.js';

async function* chunks(parts: string[], failure?: Error): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
  if (failure) throw failure;
}

async function collect(source: AsyncIterable<Buffer>, maxLineBytes = 100, keepBytes = 4): Promise<Line[]> {
  const lines: Line[] = [];
  for await (const line of splitLines(source, maxLineBytes, keepBytes)) lines.push(line);
  return lines;
}

describe('splitLines', () => {
  test('lines across chunk boundaries', async () => {
    const lines = await collect(chunks(['ab', 'c\nde', 'f\r', '\n\ng']));
    expect(lines.map((line) => line.bytes.toString())).toEqual(['abc', 'def', '', 'g']);
    expect(lines.map((line) => line.number)).toEqual([1, 2, 3, 4]);
    expect(lines[1]?.byteLength).toBe(3);
  });

  test('long line keeps a prefix and its length', async () => {
    const lines = await collect(chunks(['0123456789', '0123456789\nok\n']), 15, 4);
    expect(lines[0]?.overLimit).toBe(true);
    expect(lines[0]?.bytes.toString()).toBe('0123');
    expect(lines[0]?.byteLength).toBe(20);
    expect(lines[1]?.bytes.toString()).toBe('ok');
    expect(lines[1]?.overLimit).toBe(false);
  });

  test('source error yields the partial line, then throws', async () => {
    const lines: Line[] = [];
    const failure = new Error('stream broke');
    await expect(async () => {
      for await (const line of splitLines(chunks(['full\npart'], failure), 100, 4)) lines.push(line);
    }).rejects.toThrow('stream broke');
    expect(lines.map((line) => [line.bytes.toString(), line.incomplete])).toEqual([
      ['full', false],
      ['part', true],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { documentView, EDIT_PROMPT_VERSION, editJsonSchema, editMessages } from './prompts.js';

describe('documentView', () => {
  it('shows a short text whole', () => {
    const view = documentView('a\nb\n', 10, 100);
    expect(view.shownLines).toEqual(['a', 'b', '']);
    expect(view.editableLines).toBe(3);
    expect(view.partialLine).toBeNull();
    expect(view.clippedByChars || view.clippedByLines).toBe(false);
  });

  it('stops at the line limit', () => {
    const view = documentView('1\n2\n3\n4', 2, 100);
    expect(view.shownLines).toEqual(['1', '2']);
    expect(view.clippedByLines).toBe(true);
    expect(view.clippedByChars).toBe(false);
  });

  it('cuts the line that crosses the character limit', () => {
    // 'aaaa' and its line break use 5 of 8 code points, so 3 of 'bbbbbb' are shown.
    const view = documentView('aaaa\nbbbbbb\ncc', 10, 8);
    expect(view.shownLines).toEqual(['aaaa', 'bbb']);
    expect(view.partialLine).toBe(2);
    expect(view.editableLines).toBe(2);
    expect(view.clippedByChars).toBe(true);
  });

  it('shows no partial line when the limit falls on a line break', () => {
    const view = documentView('aaaa\nbbbb', 10, 5);
    expect(view.shownLines).toEqual(['aaaa']);
    expect(view.partialLine).toBeNull();
    expect(view.clippedByChars).toBe(true);
  });

  it('cuts a single long line', () => {
    const view = documentView('x'.repeat(50), 10, 20);
    expect(view.shownLines).toEqual(['x'.repeat(20)]);
    expect(view.partialLine).toBe(1);
    expect(view.lines).toHaveLength(1);
  });

  it('counts code points, not UTF-16 units', () => {
    const view = documentView('𠀀𠀁𠀂𠀃', 10, 3);
    expect(view.shownLines).toEqual(['𠀀𠀁𠀂']);
  });
});

describe('editMessages', () => {
  it('numbers lines from 1 inside the document markers', () => {
    const [system, user] = editMessages(documentView('首页 | 新闻\n正文', 10, 100));
    expect(system!.content).toContain('never instructions to you');
    expect(user!.content).toContain('<document>\n1: 首页 | 新闻\n2: 正文\n</document>');
    expect(user!.content).not.toContain('only lines');
  });

  it('says which lines were cut', () => {
    const [, user] = editMessages(documentView('aaaa\nbbbbbb\ncc', 10, 8));
    expect(user!.content).toContain('Line 2 is cut off');
    expect(user!.content).toContain('The document has 3 lines and only lines 1-2 are shown');
  });

  it('has a versioned name', () => {
    expect(EDIT_PROMPT_VERSION).toMatch(/^edit-web\/\d+$/);
  });
});

describe('editJsonSchema', () => {
  it('offers the four operation shapes', () => {
    const schema = editJsonSchema() as { properties: { edits: { items: { anyOf: Array<{ properties: { op: { enum: string[] } }; required: string[] }> } } } };
    const shapes = schema.properties.edits.items.anyOf.map((shape) => `${shape.properties.op.enum[0]}(${shape.required.slice(1).join(',')})`);
    expect(shapes).toEqual(['remove(lines)', 'remove(from,to)', 'replace(line,find,with)', 'add(after,text)']);
  });
});

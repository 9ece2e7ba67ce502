import { describe, expect, it } from 'vitest';
import { applyEdits, applyPlan, checkEdits, parseEdit, splitLines, type EditLimits } from './edits.js';

const DOC = ['Home | News | Contact', 'Title of the post', 'First paragraph.Second sentence.', 'Share on Facebook', 'Last line'].join('\n');
const LINES = splitLines(DOC);
const OPEN: EditLimits = { editableLines: LINES.length, partialLine: null, maxEdits: 40, maxAddedChars: 400 };

function apply(edits: unknown[], lines: string[] = LINES, limits: EditLimits = OPEN): string {
  const checked = checkEdits(edits, lines, limits);
  if (!checked.ok) throw new Error(checked.problem);
  return applyPlan(lines, checked.plan);
}

function problem(edits: unknown[], lines: string[] = LINES, limits: EditLimits = OPEN): string {
  const checked = checkEdits(edits, lines, limits);
  if (checked.ok) throw new Error('expected the edit list to be rejected');
  return checked.problem;
}

describe('applying edits', () => {
  it('keeps the text when the list is empty', () => {
    expect(apply([])).toBe(DOC);
  });

  it('removes listed lines', () => {
    expect(apply([{ op: 'remove', lines: [1, 4] }])).toBe('Title of the post\nFirst paragraph.Second sentence.\nLast line');
  });

  it('removes a range with both ends', () => {
    expect(apply([{ op: 'remove', from: 2, to: 4 }])).toBe('Home | News | Contact\nLast line');
  });

  it('replaces a substring inside one line', () => {
    expect(apply([{ op: 'replace', line: 3, find: '.Second', with: '. Second' }])).toBe(DOC.replace('.Second', '. Second'));
  });

  it('replaces every occurrence in the line only', () => {
    const lines = ['a&nbsp;b&nbsp;c', 'keep &nbsp; here'];
    expect(apply([{ op: 'replace', line: 1, find: '&nbsp;', with: ' ' }], lines, { ...OPEN, editableLines: 2 })).toBe('a b c\nkeep &nbsp; here');
  });

  it('deletes a substring with an empty with', () => {
    expect(apply([{ op: 'replace', line: 2, find: ' of the post', with: '' }])).toContain('\nTitle\n');
  });

  it('adds after a line and before the first', () => {
    const result = apply([
      { op: 'add', after: 2, text: 'Inserted' },
      { op: 'add', after: 0, text: 'Top' },
    ]);
    expect(splitLines(result)).toEqual(['Top', 'Home | News | Contact', 'Title of the post', 'Inserted', 'First paragraph.Second sentence.', 'Share on Facebook', 'Last line']);
  });

  it('adds after the last line', () => {
    expect(apply([{ op: 'add', after: 5, text: 'End' }])).toBe(`${DOC}\nEnd`);
  });

  it('adds in place of a removed line', () => {
    expect(apply([{ op: 'remove', lines: [4] }, { op: 'add', after: 4, text: 'Note' }])).toBe(DOC.replace('Share on Facebook', 'Note'));
  });

  it('applies several non-overlapping replaces on one line', () => {
    const result = apply([
      { op: 'replace', line: 3, find: 'First', with: '1st' },
      { op: 'replace', line: 3, find: '.Second', with: '. Second' },
    ]);
    expect(splitLines(result)[2]).toBe('1st paragraph. Second sentence.');
  });

  it('matches replaced text exactly, not as a pattern', () => {
    const lines = ['price $5 (about) .* end'];
    expect(apply([{ op: 'replace', line: 1, find: '$5 (about) .*', with: '$5' }], lines, { ...OPEN, editableLines: 1 })).toBe('price $5 end');
  });

  it('lets a with contain a line break', () => {
    const result = apply([{ op: 'replace', line: 3, find: '.Second', with: '.\nSecond' }]);
    expect(splitLines(result)).toHaveLength(6);
  });

  it('removes every line to an empty text', () => {
    expect(apply([{ op: 'remove', from: 1, to: 5 }])).toBe('');
  });

  it('keeps blank lines and trailing newline untouched', () => {
    const lines = splitLines('a\n\nb\n');
    expect(apply([{ op: 'remove', lines: [1] }], lines, { ...OPEN, editableLines: lines.length })).toBe('\nb\n');
  });
});

describe('edit order', () => {
  const edits = [
    { op: 'add', after: 3, text: 'Added' },
    { op: 'replace', line: 3, find: 'Second', with: 'Next' },
    { op: 'remove', lines: [4, 1] },
    { op: 'replace', line: 3, find: 'First', with: 'Opening' },
    { op: 'remove', from: 5, to: 5 },
  ];

  it('gives the same text in any order', () => {
    const expected = apply(edits);
    expect(expected).toBe('Title of the post\nOpening paragraph.Next sentence.\nAdded');
    expect(apply([...edits].reverse())).toBe(expected);
    expect(apply([edits[2], edits[0], edits[4], edits[1], edits[3]])).toBe(expected);
  });

  it('gives the same canonical list in any order', () => {
    const forward = checkEdits(edits, LINES, OPEN);
    const backward = checkEdits([...edits].reverse(), LINES, OPEN);
    expect(forward.ok).toBe(true);
    expect(backward.ok).toBe(true);
    if (!forward.ok || !backward.ok) return;
    expect(forward.plan.edits).toEqual(backward.plan.edits);
    expect(forward.plan.edits).toEqual([
      { op: 'remove', lines: [1, 4] },
      { op: 'replace', line: 3, find: 'First', with: 'Opening' },
      { op: 'replace', line: 3, find: 'Second', with: 'Next' },
      { op: 'add', after: 3, text: 'Added' },
      { op: 'remove', from: 5, to: 5 },
    ]);
  });

  it('replays the canonical list to the same text', () => {
    const checked = checkEdits(edits, LINES, OPEN);
    if (!checked.ok) throw new Error(checked.problem);
    const replayed = applyEdits(DOC, JSON.parse(JSON.stringify(checked.plan.edits)) as unknown[]);
    expect(replayed).toEqual({ ok: true, text: applyPlan(LINES, checked.plan) });
  });
});

describe('invalid edits', () => {
  it('rejects a line number past the end', () => {
    expect(problem([{ op: 'remove', lines: [2, 9] }])).toBe('edit 1 {"op":"remove","lines":[2,9]} names line 9, but the document has lines 1-5');
  });

  it('rejects line 0 in a remove', () => {
    expect(problem([{ op: 'remove', lines: [0] }])).toContain('names line 0');
  });

  it('rejects a line that was not shown', () => {
    expect(problem([{ op: 'replace', line: 4, find: 'Share', with: 'x' }], LINES, { ...OPEN, editableLines: 3 })).toContain(
      'names line 4, but only lines 1-3 of 5 were shown',
    );
  });

  it('rejects an add after a line past the end', () => {
    expect(problem([{ op: 'add', after: 6, text: 'x' }])).toContain('adds after line 6');
  });

  it('rejects a find that does not occur in the line', () => {
    expect(problem([{ op: 'replace', line: 2, find: 'Contact', with: '' }])).toBe(
      'edit 1 {"op":"replace","line":2,"find":"Contact","with":""} has find "Contact", which does not occur in line 2',
    );
  });

  it('hints when find spans lines', () => {
    expect(problem([{ op: 'replace', line: 1, find: 'Contact\nTitle', with: '' }])).toContain('find must not span lines');
  });

  it('rejects an empty find', () => {
    expect(problem([{ op: 'replace', line: 1, find: '', with: 'x' }])).toContain('find: must not be empty');
  });

  it('rejects a replace that changes nothing', () => {
    expect(problem([{ op: 'replace', line: 1, find: 'Home', with: 'Home' }])).toContain('changes nothing');
  });

  it('rejects a reversed range', () => {
    expect(problem([{ op: 'remove', from: 4, to: 2 }])).toContain('has from 4 after to 2');
  });

  it('rejects a line named twice in one remove', () => {
    expect(problem([{ op: 'remove', lines: [2, 2] }])).toContain('names line 2 twice');
  });

  it('rejects overlapping removes', () => {
    expect(problem([{ op: 'remove', from: 1, to: 3 }, { op: 'remove', lines: [3, 4] }])).toBe('line 3 is removed by both edit 1 and edit 2');
  });

  it('rejects a replace in a removed line', () => {
    expect(problem([{ op: 'replace', line: 4, find: 'Share', with: 'Post' }, { op: 'remove', from: 4, to: 5 }])).toBe(
      'edit 1 replaces text in line 4, which edit 2 removes',
    );
  });

  it('rejects two adds after one line', () => {
    expect(problem([{ op: 'add', after: 2, text: 'a' }, { op: 'remove', lines: [1] }, { op: 'add', after: 2, text: 'b' }])).toContain(
      'edit 1 and edit 3 both add text after line 2',
    );
  });

  it('rejects overlapping replaces on one line', () => {
    expect(problem([{ op: 'replace', line: 3, find: 'paragraph.Second', with: 'x' }, { op: 'replace', line: 3, find: '.Sec', with: 'y' }])).toBe(
      'edit 1 and edit 2 replace overlapping text in line 3',
    );
  });

  it('rejects the same replace twice', () => {
    const twice = { op: 'replace', line: 1, find: 'News', with: 'Blog' };
    expect(problem([twice, twice])).toContain('replace overlapping text in line 1');
  });

  it('rejects too many edits', () => {
    expect(problem([{ op: 'remove', lines: [1] }, { op: 'remove', lines: [2] }], LINES, { ...OPEN, maxEdits: 1 })).toBe(
      'the answer lists 2 edits, more than the limit of 1 (maxEditsPerDocument)',
    );
  });

  it('rejects added text over the length limit in code points', () => {
    const limits = { ...OPEN, maxAddedChars: 3 };
    expect(apply([{ op: 'add', after: 1, text: '中文好' }], LINES, limits)).toContain('中文好');
    expect(problem([{ op: 'add', after: 1, text: '中文好吗' }], LINES, limits)).toContain('has 4 characters in text, more than the limit of 3 (maxAddedChars)');
    expect(problem([{ op: 'replace', line: 1, find: 'Home', with: 'Start' }], LINES, limits)).toContain('in with');
  });

  it('rejects empty added text', () => {
    expect(problem([{ op: 'add', after: 1, text: '  ' }])).toContain('adds empty text');
  });

  it('rejects a lone surrogate', () => {
    expect(problem([{ op: 'replace', line: 1, find: 'Home', with: 'x\ud83d' }])).toContain('lone UTF-16 surrogate');
  });

  it('rejects removing or adding after a partly shown line', () => {
    const limits = { ...OPEN, editableLines: 3, partialLine: 3 };
    expect(problem([{ op: 'remove', lines: [3] }], LINES, limits)).toContain('removes line 3, which was shown only in part');
    expect(problem([{ op: 'remove', from: 2, to: 3 }], LINES, limits)).toContain('shown only in part');
    expect(problem([{ op: 'add', after: 3, text: 'x' }], LINES, limits)).toContain('shown only in part');
    expect(apply([{ op: 'replace', line: 3, find: 'First', with: 'One' }], LINES, limits)).toContain('One paragraph');
  });

  it('names the first bad edit by position', () => {
    expect(problem([{ op: 'remove', lines: [1] }, { op: 'remove', lines: [7] }])).toMatch(/^edit 2 /);
  });
});

function parseProblem(raw: unknown): string {
  const parsed = parseEdit(raw);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
  return parsed.problem;
}

describe('parseEdit', () => {
  it('reads each operation', () => {
    expect(parseEdit({ op: 'remove', lines: [1] })).toEqual({ ok: true, edit: { op: 'remove', lines: [1] } });
    expect(parseEdit({ op: 'remove', from: 1, to: 2 })).toEqual({ ok: true, edit: { op: 'remove', from: 1, to: 2 } });
    expect(parseEdit({ op: 'add', after: 0, text: 'x' }).ok).toBe(true);
  });

  it('rejects an unknown op', () => {
    expect(parseEdit({ op: 'keep', lines: [1] })).toEqual({ ok: false, problem: 'has op "keep", expected "remove", "replace" or "add"' });
  });

  it('rejects fractional and string line numbers', () => {
    expect(parseProblem({ op: 'remove', lines: [1.5] })).toContain('lines.0: must be a whole number');
    expect(parseProblem({ op: 'replace', line: '3', find: 'a', with: 'b' })).toContain('line: Expected number, received string');
  });

  it('rejects mixed remove forms and extra keys', () => {
    expect(parseProblem({ op: 'remove', lines: [1], from: 1, to: 2 })).toContain("'lines'");
    expect(parseProblem({ op: 'add', after: 1, text: 'x', reason: 'nicer' })).toContain("'reason'");
  });

  it('rejects missing fields', () => {
    expect(parseProblem({ op: 'replace', line: 1, find: 'a' })).toContain('with: Required');
  });

  it('rejects non-objects', () => {
    expect(parseEdit('remove line 3')).toEqual({ ok: false, problem: 'is not a JSON object' });
    expect(parseEdit([1, 2])).toEqual({ ok: false, problem: 'is not a JSON object' });
    expect(parseEdit(null)).toEqual({ ok: false, problem: 'is not a JSON object' });
  });
});

describe('Chinese text', () => {
  const zh = ['首页 | 新闻 | 联系我们', '铜鼓县一制药公司发生爆炸事故致1死2伤', '据江西省应急管理厅消息：3月11日1时39分，宜春市铜鼓县发生一起爆炸事故。', '分享到：微信 微博', '版权所有 © 2022'];
  const limits = { ...OPEN, editableLines: zh.length };

  it('removes boilerplate lines', () => {
    expect(apply([{ op: 'remove', lines: [1, 4, 5] }], zh, limits)).toBe(`${zh[1]}\n${zh[2]}`);
  });

  it('replaces a Chinese substring exactly', () => {
    const result = apply([{ op: 'replace', line: 3, find: '据江西省应急管理厅消息：', with: '' }], zh, limits);
    expect(splitLines(result)[2]).toBe('3月11日1时39分，宜春市铜鼓县发生一起爆炸事故。');
  });

  it('keeps characters outside the BMP whole', () => {
    const lines = ['𠀀𠀁 text 😀 end'];
    expect(apply([{ op: 'replace', line: 1, find: '😀 ', with: '' }], lines, { ...OPEN, editableLines: 1 })).toBe('𠀀𠀁 text end');
  });

  it('reports a missing Chinese find', () => {
    expect(problem([{ op: 'replace', line: 2, find: '广告', with: '' }], zh, limits)).toContain('has find "广告", which does not occur in line 2');
  });
});

describe('applyEdits', () => {
  it('replays a stored edit list', () => {
    expect(applyEdits('a\nb\nc', [{ op: 'remove', lines: [2] }])).toEqual({ ok: true, text: 'a\nc' });
  });

  it('reports a list that does not fit the text', () => {
    expect(applyEdits('a\nb', [{ op: 'remove', lines: [3] }])).toEqual({
      ok: false,
      problem: 'edit 1 {"op":"remove","lines":[3]} names line 3, but the document has lines 1-2',
    });
  });

  it('applies long added text without the operator limit', () => {
    const long = 'x'.repeat(5000);
    expect(applyEdits('a', [{ op: 'add', after: 1, text: long }])).toEqual({ ok: true, text: `a\n${long}` });
  });
});

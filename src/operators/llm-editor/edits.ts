/**
 * The edit language of llm-editor: a model names operations on numbered lines, and this
 * module checks them against the document and applies them. Parsing, checking and
 * applying are pure, so anyone can re-apply a lineage entry's edit list to the original
 * text and get the promoted text back.
 *
 * Line N is the N-th piece of the text split on "\n", counted from 1. Edits are applied
 * as one simultaneous change to the original lines, so their order in the answer never
 * matters: removes drop whole lines, replaces rewrite text inside a kept line, and an add
 * inserts text after an original line (after 0 puts it first).
 */
import { z } from 'zod';
import { preview } from '../../llm/json-output.js';

export interface RemoveLinesEdit {
  op: 'remove';
  lines: number[];
}

/** Removes lines `from` to `to`, both included. */
export interface RemoveRangeEdit {
  op: 'remove';
  from: number;
  to: number;
}

/** Replaces every occurrence of `find` inside one line, like String.prototype.replaceAll. */
export interface ReplaceEdit {
  op: 'replace';
  line: number;
  find: string;
  with: string;
}

export interface AddEdit {
  op: 'add';
  after: number;
  text: string;
}

export type Edit = RemoveLinesEdit | RemoveRangeEdit | ReplaceEdit | AddEdit;

export interface EditLimits {
  /** Edits may name lines 1 to editableLines, because later lines were not shown to the model. */
  editableLines: number;
  /** A line the model saw only in part. It may take replaces, but not be removed or followed by an add. */
  partialLine: number | null;
  maxEdits: number;
  /** Code points allowed in one replace's `with` or one add's `text`. */
  maxAddedChars: number;
}

/** One occurrence to rewrite, as UTF-16 offsets into the original line. */
export interface Replacement {
  start: number;
  end: number;
  with: string;
}

/** A checked edit list in the form the apply step and the guards need. */
export interface EditPlan {
  /** The edits in canonical order: by line, and on one line removes and replaces before the add after it. */
  edits: Edit[];
  removed: Set<number>;
  /** Per line, sorted by start and never overlapping. */
  replacements: Map<number, Replacement[]>;
  /** Text to insert after each original line number, 0 meaning before line 1. */
  additions: Map<number, string>;
}

export type EditCheck = { ok: true; plan: EditPlan } | { ok: false; problem: string };

export function splitLines(text: string): string[] {
  return text.split('\n');
}

const lineNumber = z.number().int('must be a whole number');
const editSchemas = {
  removeLines: z.object({ op: z.literal('remove'), lines: z.array(lineNumber).min(1, 'must name at least one line') }).strict(),
  removeRange: z.object({ op: z.literal('remove'), from: lineNumber, to: lineNumber }).strict(),
  replace: z.object({ op: z.literal('replace'), line: lineNumber, find: z.string().min(1, 'must not be empty'), with: z.string() }).strict(),
  add: z.object({ op: z.literal('add'), after: lineNumber, text: z.string() }).strict(),
};

/** Reads one edit object of a model answer. A problem names the field at fault. */
export function parseEdit(raw: unknown): { ok: true; edit: Edit } | { ok: false; problem: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, problem: 'is not a JSON object' };
  const fields = raw as Record<string, unknown>;
  const schema = schemaForOp(fields);
  if (!schema) return { ok: false, problem: `has op ${JSON.stringify(fields.op)}, expected "remove", "replace" or "add"` };
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, edit: parsed.data as Edit };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'op'}: ${issue.message}`);
  return { ok: false, problem: `is invalid: ${problems.join('; ')}` };
}

function schemaForOp(fields: Record<string, unknown>): z.ZodTypeAny | undefined {
  if (fields.op === 'replace') return editSchemas.replace;
  if (fields.op === 'add') return editSchemas.add;
  if (fields.op !== 'remove') return undefined;
  return 'from' in fields || 'to' in fields ? editSchemas.removeRange : editSchemas.removeLines;
}

/**
 * Checks a model's edit list against the document's lines and returns the plan to apply,
 * or the first problem found, naming the edit by its 1-based position in the list.
 */
export function checkEdits(rawEdits: readonly unknown[], lines: readonly string[], limits: EditLimits): EditCheck {
  if (rawEdits.length > limits.maxEdits) {
    return { ok: false, problem: `the answer lists ${rawEdits.length} edits, more than the limit of ${limits.maxEdits} (maxEditsPerDocument)` };
  }
  const edits: Edit[] = [];
  for (const [index, raw] of rawEdits.entries()) {
    const parsed = parseEdit(raw);
    if (!parsed.ok) return { ok: false, problem: `${describeEdit(index, raw)} ${parsed.problem}` };
    const problem = checkOne(parsed.edit, lines, limits);
    if (problem) return { ok: false, problem: `${describeEdit(index, raw)} ${problem}` };
    edits.push(parsed.edit);
  }
  return buildPlan(edits, lines);
}

/** Names an edit in problems: its position in the answer and its JSON, shortened. */
function describeEdit(index: number, raw: unknown): string {
  return `edit ${index + 1} ${preview(JSON.stringify(raw) ?? String(raw), 100)}`;
}

function checkOne(edit: Edit, lines: readonly string[], limits: EditLimits): string | undefined {
  switch (edit.op) {
    case 'remove':
      return 'lines' in edit ? checkRemoveLines(edit, lines, limits) : checkRemoveRange(edit, lines, limits);
    case 'replace':
      return checkReplace(edit, lines, limits);
    case 'add':
      return checkAdd(edit, lines, limits);
  }
}

function checkRemoveLines(edit: RemoveLinesEdit, lines: readonly string[], limits: EditLimits): string | undefined {
  const seen = new Set<number>();
  for (const line of edit.lines) {
    const problem = checkRemovable(line, lines, limits);
    if (problem) return problem;
    if (seen.has(line)) return `names line ${line} twice`;
    seen.add(line);
  }
  return undefined;
}

function checkRemoveRange(edit: RemoveRangeEdit, lines: readonly string[], limits: EditLimits): string | undefined {
  if (edit.from > edit.to) return `has from ${edit.from} after to ${edit.to}`;
  return checkRemovable(edit.from, lines, limits) ?? checkRemovable(edit.to, lines, limits) ?? checkPartialInside(edit, limits);
}

function checkRemovable(line: number, lines: readonly string[], limits: EditLimits): string | undefined {
  if (line < 1 || line > limits.editableLines) return `names line ${line}, ${outOfRange(lines, limits)}`;
  if (line === limits.partialLine) return `removes line ${line}, which was shown only in part`;
  return undefined;
}

function checkPartialInside(edit: RemoveRangeEdit, limits: EditLimits): string | undefined {
  const partial = limits.partialLine;
  if (partial !== null && partial >= edit.from && partial <= edit.to) return `removes line ${partial}, which was shown only in part`;
  return undefined;
}

function outOfRange(lines: readonly string[], limits: EditLimits): string {
  if (limits.editableLines < lines.length) return `but only lines 1-${limits.editableLines} of ${lines.length} were shown`;
  return `but the document has lines 1-${lines.length}`;
}

function checkReplace(edit: ReplaceEdit, lines: readonly string[], limits: EditLimits): string | undefined {
  if (edit.line < 1 || edit.line > limits.editableLines) return `names line ${edit.line}, ${outOfRange(lines, limits)}`;
  if (edit.find === edit.with) return 'has the same find and with, so it changes nothing';
  const problem = checkAddedText('with', edit.with, limits) ?? checkAddedText('find', edit.find, limits, false);
  if (problem) return problem;
  if (!lines[edit.line - 1]!.includes(edit.find)) {
    const hint = edit.find.includes('\n') ? ' (find must not span lines)' : '';
    return `has find ${JSON.stringify(preview(edit.find, 60))}, which does not occur in line ${edit.line}${hint}`;
  }
  return undefined;
}

function checkAdd(edit: AddEdit, lines: readonly string[], limits: EditLimits): string | undefined {
  if (edit.after < 0 || edit.after > limits.editableLines) return `adds after line ${edit.after}, ${outOfRange(lines, limits)}`;
  if (edit.after === limits.partialLine) return `adds after line ${edit.after}, which was shown only in part`;
  if (edit.text.trim() === '') return 'adds empty text';
  return checkAddedText('text', edit.text, limits);
}

// A lone surrogate half would split a character in two when spliced into the line.
const LONE_SURROGATE = /\p{Cs}/u;

function checkAddedText(field: string, text: string, limits: EditLimits, bounded = true): string | undefined {
  if (LONE_SURROGATE.test(text)) return `has a broken character (a lone UTF-16 surrogate) in ${field}`;
  if (!bounded) return undefined;
  const length = codePointLength(text);
  if (length > limits.maxAddedChars) return `has ${length} characters in ${field}, more than the limit of ${limits.maxAddedChars} (maxAddedChars)`;
  return undefined;
}

export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

type Located = Replacement & { edit: number };

const editName = (index: number): string => `edit ${index + 1}`;

/** Cross-checks the edits against each other and collects what each line gets. */
function buildPlan(edits: Edit[], lines: readonly string[]): EditCheck {
  const removals = collectRemovals(edits);
  if (typeof removals === 'string') return { ok: false, problem: removals };
  const additions = collectAdditions(edits);
  if (typeof additions === 'string') return { ok: false, problem: additions };
  const replacements = collectReplacements(edits, lines, removals);
  if (typeof replacements === 'string') return { ok: false, problem: replacements };

  const plan: EditPlan = {
    edits: canonicalOrder(edits, replacements),
    removed: new Set(removals.keys()),
    replacements: new Map([...replacements].map(([line, list]) => [line, list.map(({ start, end, with: text }) => ({ start, end, with: text }))])),
    additions,
  };
  return { ok: true, plan };
}

/** Maps each removed line to the edit that removes it, or returns the problem. */
function collectRemovals(edits: Edit[]): Map<number, number> | string {
  const removedBy = new Map<number, number>();
  for (const [index, edit] of edits.entries()) {
    if (edit.op !== 'remove') continue;
    for (const line of removedLines(edit)) {
      const other = removedBy.get(line);
      if (other !== undefined) return `line ${line} is removed by both ${editName(other)} and ${editName(index)}`;
      removedBy.set(line, index);
    }
  }
  return removedBy;
}

/** Two adds after one line would need an order between them, so they are rejected. */
function collectAdditions(edits: Edit[]): Map<number, string> | string {
  const addedBy = new Map<number, number>();
  const additions = new Map<number, string>();
  for (const [index, edit] of edits.entries()) {
    if (edit.op !== 'add') continue;
    const other = addedBy.get(edit.after);
    if (other !== undefined) {
      return `${editName(other)} and ${editName(index)} both add text after line ${edit.after}, so one add must hold all of it`;
    }
    addedBy.set(edit.after, index);
    additions.set(edit.after, edit.text);
  }
  return additions;
}

/** Finds every occurrence each replace rewrites and rejects replaces that touch removed lines or each other. */
function collectReplacements(edits: Edit[], lines: readonly string[], removedBy: Map<number, number>): Map<number, Located[]> | string {
  const replacements = new Map<number, Located[]>();
  for (const [index, edit] of edits.entries()) {
    if (edit.op !== 'replace') continue;
    const remover = removedBy.get(edit.line);
    if (remover !== undefined) return `${editName(index)} replaces text in line ${edit.line}, which ${editName(remover)} removes`;
    const found = occurrences(lines[edit.line - 1]!, edit.find).map((start) => ({ start, end: start + edit.find.length, with: edit.with, edit: index }));
    replacements.set(edit.line, [...(replacements.get(edit.line) ?? []), ...found]);
  }
  for (const [line, list] of replacements) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 1; i < list.length; i++) {
      const previous = list[i - 1]!;
      const current = list[i]!;
      if (current.start < previous.end) {
        const first = Math.min(previous.edit, current.edit);
        const second = Math.max(previous.edit, current.edit);
        return `${editName(first)} and ${editName(second)} replace overlapping text in line ${line}`;
      }
    }
  }
  return replacements;
}

function removedLines(edit: RemoveLinesEdit | RemoveRangeEdit): number[] {
  if ('lines' in edit) return edit.lines;
  return Array.from({ length: edit.to - edit.from + 1 }, (_, i) => edit.from + i);
}

/** Start offsets of the non-overlapping occurrences of `find`, left to right, as replaceAll finds them. */
function occurrences(line: string, find: string): number[] {
  const starts: number[] = [];
  for (let at = line.indexOf(find); at >= 0; at = line.indexOf(find, at + find.length)) starts.push(at);
  return starts;
}

/**
 * Sorts edits by the line they touch, so the same set of edits gets the same list whatever
 * order the model wrote them in. On one line a remove or replace comes before the add after
 * it, and replaces on one line go by where their first occurrence starts.
 */
function canonicalOrder(edits: Edit[], replacements: Map<number, Located[]>): Edit[] {
  const key = (edit: Edit, index: number): [number, number] => {
    if (edit.op === 'add') return [edit.after + 0.5, 0];
    if (edit.op === 'replace') {
      const first = replacements.get(edit.line)!.find((r) => r.edit === index)!;
      return [edit.line, first.start];
    }
    return ['lines' in edit ? Math.min(...edit.lines) : edit.from, -1];
  };
  const normalized = edits.map((edit) => (edit.op === 'remove' && 'lines' in edit ? { ...edit, lines: [...edit.lines].sort((a, b) => a - b) } : edit));
  return normalized
    .map((edit, index) => ({ edit, key: key(edit, index) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1])
    .map(({ edit }) => edit);
}

/** Applies a checked plan to the original lines and joins the result with "\n". */
export function applyPlan(lines: readonly string[], plan: EditPlan): string {
  const output: string[] = [];
  const first = plan.additions.get(0);
  if (first !== undefined) output.push(first);
  for (const [index, line] of lines.entries()) {
    const number = index + 1;
    if (!plan.removed.has(number)) output.push(rewriteLine(line, plan.replacements.get(number)));
    const added = plan.additions.get(number);
    if (added !== undefined) output.push(added);
  }
  return output.join('\n');
}

function rewriteLine(line: string, replacements: Replacement[] | undefined): string {
  if (!replacements) return line;
  let result = '';
  let at = 0;
  for (const { start, end, with: text } of replacements) {
    result += line.slice(at, start) + text;
    at = end;
  }
  return result + line.slice(at);
}

/**
 * Re-applies an edit list, such as the `edits` detail of a lineage entry, to a whole text:
 * every line may be named and no length or count limit applies.
 */
export function applyEdits(text: string, rawEdits: readonly unknown[]): { ok: true; text: string } | { ok: false; problem: string } {
  const lines = splitLines(text);
  const limits: EditLimits = { editableLines: lines.length, partialLine: null, maxEdits: Infinity, maxAddedChars: Infinity };
  const checked = checkEdits(rawEdits, lines, limits);
  if (!checked.ok) return checked;
  return { ok: true, text: applyPlan(lines, checked.plan) };
}

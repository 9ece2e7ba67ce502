/**
 * Whole-chunk exceptions of the word tokenizer: strings that are split in a fixed way, or
 * kept whole, before the affix rules run. They follow the kinds of special cases in spaCy's
 * English tokenizer (3.8): contractions, abbreviations that keep their dot, clock times and
 * a few emoticons. The lists are common English forms, not a copy of spaCy's table, so rare
 * entries (dialect spellings, most emoticons) are missing.
 */

/**
 * Stems that take `n't`. The stem and the ending spell the written word, so `can't` gives
 * `ca` + `n't` and `won't` gives `wo` + `n't`.
 */
const NOT_STEMS = [
  'do', 'does', 'did', 'is', 'are', 'was', 'were', 'has', 'have', 'had', 'could', 'would', 'should', 'might', 'must',
  'need', 'ought', 'dare', 'may', 'ca', 'wo', 'sha', 'ai',
];

/** Words that take `'d`, `'ll`, `'re`, `'ve` or `'s`, and which of those endings each takes. */
const CLITIC_HOSTS: Record<string, readonly string[]> = {
  i: ['m', 'd', 'll', 've'],
  you: ['d', 'll', 're', 've'],
  he: ['d', 'll', 's'],
  she: ['d', 'll', 's'],
  it: ['d', 'll', 's'],
  we: ['d', 'll', 're', 've'],
  they: ['d', 'll', 're', 've'],
  that: ['d', 'll', 's'],
  this: ['d', 'll', 's'],
  there: ['d', 'll', 're', 's', 've'],
  these: ['d', 'll', 're', 've'],
  those: ['d', 'll', 're', 've'],
  what: ['d', 'll', 're', 's', 've'],
  when: ['d', 'll', 're', 's', 've'],
  where: ['d', 'll', 're', 's', 've'],
  who: ['d', 'll', 're', 's', 've'],
  why: ['d', 'll', 're', 's', 've'],
  how: ['d', 'll', 're', 's', 've'],
  could: ['ve'],
  would: ['ve'],
  should: ['ve'],
  might: ['ve'],
  must: ['ve'],
};

/** Apostrophe-less forms that are ordinary English words, so they stay whole (`well`, `its`). */
const REAL_WORDS = new Set(['hell', 'ill', 'its', 'shed', 'shell', 'well', 'were', 'whore']);

/** Abbreviations that keep their final dot as one token. */
const DOTTED_ABBREVIATIONS = [
  'Mr.', 'Mrs.', 'Ms.', 'Dr.', 'Prof.', 'Jr.', 'St.', 'Mt.', 'Gen.', 'Gov.', 'Rep.', 'Sen.', 'Rev.', 'Adm.',
  'Bros.', 'Messrs.', 'Jan.', 'Feb.', 'Mar.', 'Apr.', 'Jun.', 'Jul.', 'Aug.', 'Sep.', 'Sept.', 'Oct.', 'Nov.', 'Dec.',
  'Inc.', 'Ltd.', 'Co.', 'co.', 'Corp.', 'vs.', 'v.s.', 'e.g.', 'E.g.', 'E.G.', 'i.e.', 'I.e.', 'I.E.', 'a.m.', 'p.m.',
  'Ala.', 'Ariz.', 'Ark.', 'Calif.', 'Colo.', 'Conn.', 'Del.', 'Fla.', 'Ga.', 'Ill.', 'Ind.', 'Kan.', 'Kans.', 'Ky.',
  'La.', 'Md.', 'Mass.', 'Mich.', 'Minn.', 'Miss.', 'Mo.', 'Mont.', 'Neb.', 'Nebr.', 'Nev.', 'Okla.', 'Ore.', 'Pa.',
  'Tenn.', 'Va.', 'Wash.', 'Wis.', 'Ph.D.',
];

/** Strings kept whole although the affix or infix rules would split them. */
const WHOLE_TOKENS = [
  "''", '’’', 'and/or', 'w/o', 'C++', "o'clock", 'o’clock', "ma'am", 'ma’am',
  "'s", "'S", '’s', '’S', '‘s', '‘S', "'d", '’d', "'ll", '’ll', "'re", '’re', "'ve", '’ve', "'m", '’m', "'em", '’em',
  // Emoticons. spaCy also merges them when its rules split them inside a chunk, so `(TX):`
  // ends in the one token `):`.
  ':)', ':(', ':D', ':P', ':p', ':O', ':o', ':/', ':|', ':]', ':}', ':3', ':x', ':X', ':*', ';)', ';D', ':-)', ':-(',
  ':-D', ':-P', ':-p', ':-/', ';-)', '<3', '8)', '8-)', '=)', '=(', '=]', '=/', '=D', '(:', '):', '(;', ':))', '(=', '^_^', '-_-',
];

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Adds `parts` under the lower-case and capitalised spelling of their concatenation. */
function addCased(table: Map<string, readonly string[]>, parts: readonly string[]): void {
  table.set(parts.join(''), parts);
  const capitalized = [capitalize(parts[0]!), ...parts.slice(1)];
  table.set(capitalized.join(''), capitalized);
}

function buildExceptions(): Map<string, readonly string[]> {
  const table = new Map<string, readonly string[]>();
  for (const apostrophe of ["'", '’', '']) {
    for (const stem of NOT_STEMS) {
      const not = `n${apostrophe}t`;
      addCased(table, [stem, not]);
      addCased(table, [stem, not, `${apostrophe}ve`]);
    }
    for (const [host, endings] of Object.entries(CLITIC_HOSTS)) {
      for (const ending of endings) {
        if (apostrophe === '' && REAL_WORDS.has(host + ending)) continue;
        addCased(table, [host, `${apostrophe}${ending}`]);
      }
    }
  }

  addCased(table, ['can', 'not']);
  addCased(table, ['gon', 'na']);
  addCased(table, ['got', 'ta']);
  addCased(table, ['let', "'s"]);
  addCased(table, ['let', '’s']);
  for (const apostrophe of ["'", '’', '']) addCased(table, ['i', `${apostrophe}m`, 'a']);
  for (const apostrophe of ["'", '’']) {
    addCased(table, [`y${apostrophe}`, 'all']);
    addCased(table, [`c${apostrophe}m`, 'on']);
    addCased(table, [`ol${apostrophe}`]);
  }

  // Clock times from 1 to 12 split the number from the am/pm marker: `3pm` gives `3` + `pm`.
  for (let hour = 1; hour <= 12; hour++) {
    for (const marker of ['am', 'pm', 'a.m.', 'p.m.']) table.set(`${hour}${marker}`, [String(hour), marker]);
  }

  for (const abbreviation of DOTTED_ABBREVIATIONS) table.set(abbreviation, [abbreviation]);
  // Single letters with a dot are initials or list markers: `a.` stays one token.
  for (const letter of 'abcdefghijklmnopqrstuvwxyzäöü') table.set(`${letter}.`, [`${letter}.`]);
  for (const token of WHOLE_TOKENS) table.set(token, [token]);
  return table;
}

/**
 * Length in UTF-16 code units of the longest exception, so callers can skip the lookup
 * for longer strings. A test checks it against the table.
 */
export const MAX_EXCEPTION_LENGTH = 12;

let exceptions: Map<string, readonly string[]> | null = null;

/**
 * A flag per (length, first code unit, last code unit) of the exceptions made of ASCII at
 * both ends, so most words skip hashing the string for a map lookup.
 */
let asciiShapes: Uint8Array | null = null;

function shapeIndex(length: number, first: number, last: number): number {
  return (length * 128 + first) * 128 + last;
}

function buildShapes(table: Map<string, readonly string[]>): Uint8Array {
  const shapes = new Uint8Array(shapeIndex(MAX_EXCEPTION_LENGTH + 1, 0, 0));
  for (const key of table.keys()) {
    const first = key.charCodeAt(0);
    const last = key.charCodeAt(key.length - 1);
    if (first < 128 && last < 128) shapes[shapeIndex(key.length, first, last)] = 1;
  }
  return shapes;
}

/** Returns every exception string, for tests. */
export function wordExceptionKeys(): string[] {
  exceptions ??= buildExceptions();
  return [...exceptions.keys()];
}

/** Returns the fixed English split of `chunk`, or undefined when no exception covers it. */
export function wordException(chunk: string): readonly string[] | undefined {
  exceptions ??= buildExceptions();
  asciiShapes ??= buildShapes(exceptions);
  const length = chunk.length;
  if (length === 0 || length > MAX_EXCEPTION_LENGTH) return undefined;
  const first = chunk.charCodeAt(0);
  const last = chunk.charCodeAt(length - 1);
  if (first < 128 && last < 128 && asciiShapes[shapeIndex(length, first, last)] === 0) return undefined;
  return exceptions.get(chunk);
}

/**
 * Path rules of the folder watcher: which names are temporary (still being written) and which
 * paths the --include and --exclude globs select.
 */

/** Suffixes that downloaders and crawlers give a file while they write it, before renaming it into place. */
export const TEMPORARY_SUFFIXES = ['.tmp', '.part', '.partial', '.crdownload'] as const;

/** True for a name that is hidden (leading `.`) or ends with a temporary suffix, ignoring case. */
export function isTemporaryName(name: string): boolean {
  if (name.startsWith('.')) return true;
  const lower = name.toLowerCase();
  return TEMPORARY_SUFFIXES.some((suffix) => lower.endsWith(suffix) && lower.length > suffix.length);
}

/**
 * Returns the name a temporary file most likely gets once it is renamed into place: the name
 * without its temporary suffix and without a leading `.`. Returns null when nothing is left.
 */
export function finalNameOf(name: string): string | null {
  let result = name;
  const lower = result.toLowerCase();
  const suffix = TEMPORARY_SUFFIXES.find((candidate) => lower.endsWith(candidate));
  if (suffix !== undefined) result = result.slice(0, result.length - suffix.length);
  while (result.startsWith('.')) result = result.slice(1);
  return result === '' || result === name ? null : result;
}

/**
 * Compiles a glob into a regular expression over `/`-separated relative paths.
 * `*` matches within one path segment, `**` across segments (`a/**\/b` also matches `a/b`),
 * `?` one character, `[abc]` and `[!abc]` a character class, `{x,y}` alternatives.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*') {
      if (glob[i + 1] === '*') {
        const segmentStart = i === 0 || glob[i - 1] === '/';
        i++;
        if (segmentStart && glob[i + 1] === '/') {
          // `**/` matches zero or more whole folders.
          source += '(?:[^/]*/)*';
          i++;
        } else {
          source += '.*';
        }
      } else {
        source += '[^/]*';
      }
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) {
        source += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      source += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else if (char === '{') {
      braceDepth++;
      source += '(?:';
    } else if (char === '}' && braceDepth > 0) {
      braceDepth--;
      source += ')';
    } else if (char === ',' && braceDepth > 0) {
      source += '|';
    } else {
      source += char.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  if (braceDepth > 0) throw new Error(`invalid glob "${glob}": "{" without a matching "}"`);
  return new RegExp(`^${source}$`);
}

/**
 * Selects files by globs. A glob with a `/` is matched against the path relative to the
 * followed folder, and a glob without one against the file name alone, as in .gitignore.
 * A path is selected when it matches some include glob (or no include globs were given) and
 * no exclude glob.
 */
export class PathFilter {
  private readonly include: Array<{ regex: RegExp; wholePath: boolean }>;
  private readonly exclude: Array<{ regex: RegExp; wholePath: boolean }>;

  constructor(include: string[] = [], exclude: string[] = []) {
    const compile = (glob: string) => ({ regex: globToRegExp(glob.replace(/^\.\//, '')), wholePath: glob.includes('/') });
    this.include = include.map(compile);
    this.exclude = exclude.map(compile);
  }

  /** `relativePath` uses `/` separators and has no leading `./`. */
  matches(relativePath: string): boolean {
    const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
    const test = (rule: { regex: RegExp; wholePath: boolean }) => rule.regex.test(rule.wholePath ? relativePath : name);
    if (this.include.length > 0 && !this.include.some(test)) return false;
    return !this.exclude.some(test);
  }
}

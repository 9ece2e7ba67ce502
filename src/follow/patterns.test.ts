import { describe, expect, test } from 'vitest';
import { PathFilter, finalNameOf, globToRegExp, isTemporaryName } from './patterns.js';

describe('temporary names', () => {
  test.each([
    ['part-0001.jsonl.tmp', true],
    ['part-0001.jsonl.PART', true],
    ['crawl.wet.gz.partial', true],
    ['download.jsonl.crdownload', true],
    ['.part-0001.jsonl', true],
    ['.tmp', true],
    ['part-0001.jsonl', false],
    ['tmp.jsonl', false],
    ['crawl.partial.jsonl', false],
  ])('%s is temporary: %s', (name, expected) => {
    expect(isTemporaryName(name)).toBe(expected);
  });

  test.each([
    ['part-0001.jsonl.tmp', 'part-0001.jsonl'],
    ['crawl.wet.gz.Partial', 'crawl.wet.gz'],
    ['.part-0001.jsonl', 'part-0001.jsonl'],
    ['.part-0001.jsonl.part', 'part-0001.jsonl'],
    ['.tmp', null],
    ['part-0001.jsonl', null],
  ])('final name of %s is %s', (name, expected) => {
    expect(finalNameOf(name)).toBe(expected);
  });
});

describe('globToRegExp', () => {
  test.each([
    ['*.jsonl', 'a.jsonl', true],
    ['*.jsonl', 'dir/a.jsonl', false],
    ['**/*.jsonl', 'a.jsonl', true],
    ['**/*.jsonl', 'x/y/a.jsonl', true],
    ['crawl/**/*.gz', 'crawl/a.gz', true],
    ['crawl/**/*.gz', 'crawl/2024/05/a.gz', true],
    ['crawl/**/*.gz', 'other/a.gz', false],
    ['part-?.jsonl', 'part-7.jsonl', true],
    ['part-?.jsonl', 'part-17.jsonl', false],
    ['part-[0-4].jsonl', 'part-3.jsonl', true],
    ['part-[!0-4].jsonl', 'part-3.jsonl', false],
    ['*.{jsonl,wet}.gz', 'a.wet.gz', true],
    ['*.{jsonl,wet}.gz', 'a.json.gz', false],
    ['a+b(1).jsonl', 'a+b(1).jsonl', true],
    ['logs/**', 'logs/a/b.jsonl', true],
  ])('%s against %s is %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });

  test('unclosed brace is rejected', () => {
    expect(() => globToRegExp('*.{jsonl')).toThrow(/without a matching/);
  });
});

describe('PathFilter', () => {
  test('selects everything without globs', () => {
    expect(new PathFilter().matches('x/y/a.jsonl')).toBe(true);
  });

  test('glob without a slash matches the file name in any folder', () => {
    const filter = new PathFilter(['*.jsonl.gz']);
    expect(filter.matches('2024/05/a.jsonl.gz')).toBe(true);
    expect(filter.matches('2024/05/a.jsonl')).toBe(false);
  });

  test('glob with a slash matches the relative path', () => {
    const filter = new PathFilter(['en/*.jsonl']);
    expect(filter.matches('en/a.jsonl')).toBe(true);
    expect(filter.matches('zh/a.jsonl')).toBe(false);
    expect(filter.matches('en/deep/a.jsonl')).toBe(false);
  });

  test('exclude wins over include', () => {
    const filter = new PathFilter(['*.jsonl'], ['sample-*', 'drafts/**']);
    expect(filter.matches('a.jsonl')).toBe(true);
    expect(filter.matches('sample-1.jsonl')).toBe(false);
    expect(filter.matches('drafts/x/a.jsonl')).toBe(false);
  });

  test('leading ./ in a glob is ignored', () => {
    expect(new PathFilter(['./en/*.jsonl']).matches('en/a.jsonl')).toBe(true);
  });
});

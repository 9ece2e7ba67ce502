/** Input formats recognized by file name. Matching ignores case, and `x.warc.wet.gz` is WET. */

export type InputFormat = 'jsonl' | 'wet' | 'warc' | 'source';
export type Compression = 'none' | 'gzip' | 'zstd';

export interface DetectedFormat {
  format: InputFormat;
  compression: Compression;
  /** The matched suffix including its leading dot, such as `.jsonl.gz`. */
  suffix: string;
  /** Programming language of a source file; null for other formats. */
  language: string | null;
}

/** Source file extensions (without the dot, lower case) and the language each one names. */
export const SOURCE_LANGUAGES: Readonly<Record<string, string>> = {
  py: 'python',
  pyi: 'python',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescript',
  java: 'java',
  go: 'go',
  rs: 'rust',
  c: 'c',
  // NOTE: `.h` is also used by C++ and Objective-C headers; it is labelled C.
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  hh: 'cpp',
  hpp: 'cpp',
  hxx: 'cpp',
  cs: 'csharp',
  rb: 'ruby',
  php: 'php',
  swift: 'swift',
  kt: 'kotlin',
  kts: 'kotlin',
  scala: 'scala',
  sh: 'shell',
  bash: 'shell',
  sql: 'sql',
  lua: 'lua',
  r: 'r',
  // NOTE: MATLAB uses `.m` too; it is labelled Objective-C, which is more common in code corpora.
  m: 'objective-c',
  jl: 'julia',
  hs: 'haskell',
  ml: 'ocaml',
  mli: 'ocaml',
  pl: 'perl',
  pm: 'perl',
  dart: 'dart',
  ex: 'elixir',
  exs: 'elixir',
  erl: 'erlang',
  clj: 'clojure',
};

const COMPRESSIONS: ReadonlyArray<[string, Compression]> = [
  ['.gz', 'gzip'],
  ['.zst', 'zstd'],
  ['', 'none'],
];

const DATA_FORMATS: ReadonlyArray<[string, InputFormat]> = [
  ['.wet', 'wet'],
  ['.warc', 'warc'],
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
  ['.json', 'jsonl'],
];

/** Supported file types, for error messages. */
export const SUPPORTED_FORMATS_TEXT =
  'JSON lines (.jsonl, .json, .ndjson, optionally .gz or .zst), Common Crawl WET (.wet, optionally .gz or .zst), ' +
  'WARC with HTML responses (.warc, optionally .gz or .zst) ' +
  `and source files (${Object.keys(SOURCE_LANGUAGES)
    .map((ext) => '.' + ext)
    .join(', ')})`;

/** Detects the format of a file from its name; returns null for names this reader does not support. */
export function detectFormat(fileName: string): DetectedFormat | null {
  const name = fileName.toLowerCase();

  for (const [dataSuffix, format] of DATA_FORMATS) {
    for (const [compressionSuffix, compression] of COMPRESSIONS) {
      const suffix = dataSuffix + compressionSuffix;
      if (name.endsWith(suffix) && name.length > suffix.length) {
        return { format, compression, suffix: fileName.slice(-suffix.length), language: null };
      }
    }
  }

  const dot = name.lastIndexOf('.');
  if (dot <= 0) return null;
  const language = SOURCE_LANGUAGES[name.slice(dot + 1)];
  if (language === undefined) return null;
  return { format: 'source', compression: 'none', suffix: fileName.slice(dot), language };
}

/** File name without its format suffix: `c4_demo.jsonl.gz` becomes `c4_demo`. */
export function stripFormatSuffix(fileName: string, detected: DetectedFormat): string {
  return fileName.slice(0, fileName.length - detected.suffix.length);
}

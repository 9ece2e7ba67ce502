import { ConfigError } from '../core/errors.js';

/** BPE encodings that gpt-tokenizer ships inside its npm package; none is fetched at run time. */
const ENCODINGS = {
  cl100k_base: () => import('gpt-tokenizer/encoding/cl100k_base'),
  o200k_base: () => import('gpt-tokenizer/encoding/o200k_base'),
  p50k_base: () => import('gpt-tokenizer/encoding/p50k_base'),
  r50k_base: () => import('gpt-tokenizer/encoding/r50k_base'),
} as const;

export type EncodingName = keyof typeof ENCODINGS;
export const ENCODING_NAMES = Object.keys(ENCODINGS) as EncodingName[];
export const DEFAULT_ENCODING: EncodingName = 'cl100k_base';

export type TokenCounter = (text: string) => number;

export function parseEncodingName(value: string): EncodingName {
  if (!(ENCODING_NAMES as string[]).includes(value)) {
    throw new ConfigError(`unknown --tokenizer "${value}": use one of ${ENCODING_NAMES.join(', ')}`);
  }
  return value as EncodingName;
}

/**
 * Loads a token counter for an encoding. Special-token strings such as `<|endoftext|>` inside
 * a document count as ordinary text, because a training pipeline tokenizes documents that way.
 */
export async function loadTokenCounter(name: EncodingName): Promise<TokenCounter> {
  const encoding = await ENCODINGS[name]();
  const options = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };
  return (text: string) => encoding.countTokens(text, options);
}

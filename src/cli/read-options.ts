import type { Command } from 'commander';
import type { ReadOptions } from '../io/read-inputs.js';
import { positiveInt } from './options.js';

export interface ReadCliOptions {
  dataset?: string;
  domain?: string;
  textField?: string[];
  maxTextBytes?: number;
}

/** Adds the options that control how input files become L0 records. */
export function addReadOptions(command: Command): Command {
  return command
    .option('--dataset <name>', 'dataset name for every input (default: the input\'s own source field, else the file name)')
    .option('--domain <name>', 'domain of JSON-lines and WET records: web, math, ... (source files are always code)')
    .option('--text-field <name...>', 'JSON fields to take the text from, first present wins (default: text raw_content content)')
    .option('--max-text-bytes <n>', 'reject documents larger than this many UTF-8 bytes before any other work', positiveInt('--max-text-bytes'));
}

export function readOptionsFrom(options: ReadCliOptions): ReadOptions {
  const read: ReadOptions = {};
  if (options.dataset !== undefined) read.dataset = options.dataset;
  if (options.domain !== undefined) read.domain = options.domain;
  if (options.textField !== undefined) read.textFields = options.textField;
  if (options.maxTextBytes !== undefined) read.maxTextBytes = options.maxTextBytes;
  return read;
}

import { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * Turns zod issues into one ConfigError whose message names each option path and its value,
 * e.g. "minhash-dedup.bands must be a positive integer, got 0". Several problems are joined by "; ".
 */
export function configErrorFromZod(operator: string, error: z.ZodError, input: unknown): ConfigError {
  const problems = error.issues.map((issue) => describeIssue(operator, issue, input));
  return new ConfigError(problems.join('; '), { operator, issues: error.issues });
}

function describeIssue(operator: string, issue: z.ZodIssue, input: unknown): string {
  if (issue.code === z.ZodIssueCode.unrecognized_keys) {
    const keys = issue.keys.map((key) => `'${key}'`).join(', ');
    return `${operator} has unknown option(s) ${keys}, and \`tiers config\` prints every option with its default`;
  }
  if (issue.code === z.ZodIssueCode.custom) {
    // Cross-field checks write the fields and values into the message themselves.
    return `${operator}.${issue.message}`;
  }
  if (issue.code === z.ZodIssueCode.invalid_type && issue.path.length === 0) {
    return `${operator} options must be an object, got ${describeValue(input)}`;
  }
  const path = [operator, ...issue.path].join('.');
  return `${path} ${issue.message}, got ${describeValue(valueAtPath(input, issue.path))}`;
}

function valueAtPath(input: unknown, path: (string | number)[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value) ?? String(value);
}

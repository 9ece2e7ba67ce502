import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * The optional `--config` file: per-operator settings that override the topology's own,
 * keyed by operator name, e.g. `{"operators": {"minhash-dedup": {"bands": 20}}}`, and the
 * LLM endpoint's settings under `llm` (validated where the endpoint is resolved).
 */
const configFileSchema = z
  .object({
    operators: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    llm: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;

/** Reads and validates a config file; every problem names the file and the JSON path. */
export function loadConfigFile(path: string | undefined): ConfigFile {
  if (path === undefined) return { operators: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`invalid config file ${path}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

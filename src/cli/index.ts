#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError, EngineError } from '../core/errors.js';
import { packageVersion } from '../core/paths.js';
import { ingestCommand } from './ingest.js';
import { runCommand } from './run.js';
import { tapCommand } from './tap.js';
import { upCommand } from './up.js';

const program = new Command('tiers')
  .description('Curate LLM training data into quality tiers L0-L4, embedded or on Kafka')
  .version(packageVersion())
  .showHelpAfterError()
  .addCommand(runCommand())
  .addCommand(ingestCommand())
  .addCommand(upCommand())
  .addCommand(tapCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Config problems exit with 2 like other usage errors; anything else is a failed run.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`tiers: ${message}\n`);
  if (!(err instanceof EngineError)) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
  process.exitCode = err instanceof ConfigError ? 2 : 1;
}

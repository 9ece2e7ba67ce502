#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError, EngineError, InputsFailedError } from '../core/errors.js';
import { packageVersion } from '../core/paths.js';
import { configCommand } from './config.js';
import { exportCommand } from './export.js';
import { ingestCommand } from './ingest.js';
import { runCommand } from './run.js';
import { statusCommand } from './status.js';
import { tapCommand } from './tap.js';
import { trainScorerCommand } from './train-scorer.js';
import { upCommand } from './up.js';

const program = new Command('tiers')
  .description('Curate LLM training data into quality tiers L0-L4, embedded or on Kafka')
  .version(packageVersion())
  .showHelpAfterError()
  .addCommand(runCommand())
  .addCommand(ingestCommand())
  .addCommand(upCommand())
  .addCommand(tapCommand())
  .addCommand(statusCommand())
  .addCommand(configCommand())
  .addCommand(exportCommand())
  .addCommand(trainScorerCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Config problems exit with 2 like other usage errors, unreadable inputs with 3, and
  // anything else is a failed run.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`tiers: ${message}\n`);
  if (!(err instanceof EngineError) && err instanceof Error && !isKafkaError(err)) process.stderr.write(`${err.stack ?? ''}\n`);
  process.exitCode = exitStatus(err);
  // A command that fails half-way (a topic missing on a broker that is still starting, after
  // the metrics server is up) can leave sockets and servers open, which would keep the process
  // alive with nothing to do. The error is already printed, so exit.
  const exitCode = process.exitCode;
  setTimeout(() => process.exit(exitCode), 1000).unref();
}

function exitStatus(err: unknown): number {
  if (err instanceof ConfigError) return 2;
  if (err instanceof InputsFailedError) return 3;
  return 1;
}

/** kafkajs errors carry their own clear messages; their stacks only show library internals. */
function isKafkaError(err: Error): boolean {
  return err.name.startsWith('KafkaJS');
}

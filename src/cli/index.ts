#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError, EngineError, InputsFailedError } from '../core/errors.js';
import { packageVersion } from '../core/paths.js';

/**
 * Each command's module, loaded on demand. Importing the operators alone took about 0.4 s on
 * a 2-core machine, and `tiers ingest`, `tiers status` and `tiers tap` do not need them.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.js')).runCommand(),
  ingest: async () => (await import('./ingest.js')).ingestCommand(),
  up: async () => (await import('./up.js')).upCommand(),
  tap: async () => (await import('./tap.js')).tapCommand(),
  status: async () => (await import('./status.js')).statusCommand(),
  config: async () => (await import('./config.js')).configCommand(),
  export: async () => (await import('./export.js')).exportCommand(),
  'train-scorer': async () => (await import('./train-scorer.js')).trainScorerCommand(),
};

const program = new Command('tiers')
  .description('Curate LLM training data into quality tiers L0-L4, embedded or on Kafka')
  .version(packageVersion())
  .showHelpAfterError();

// A known command name first loads only that command. Anything else (help, --version, a
// typo) loads all of them, so help lists every command and commander can suggest a name.
const requested = process.argv[2];
const names = requested !== undefined && Object.hasOwn(COMMANDS, requested) ? [requested] : Object.keys(COMMANDS);
for (const command of await Promise.all(names.map((name) => COMMANDS[name]!()))) program.addCommand(command);

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

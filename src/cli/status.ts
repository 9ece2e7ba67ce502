import { Command, InvalidArgumentError } from 'commander';
import { resolveBrokers } from '../bus/kafka-bus.js';
import { createLogger } from '../core/log.js';
import { resolveTopicPrefix } from '../core/topics.js';
import { DEFAULT_WINDOW_SECONDS } from '../status/rejection-window.js';
import { chooseMode, runStatus } from '../status/monitor.js';
import { getTopology } from '../topologies/index.js';
import { addKafkaOptions, resolveCodec, resolveKafkaSecurity, type KafkaCliOptions } from './kafka-options.js';
import { shutdownSignal } from './options.js';

/** Time the process may take to exit on its own after status finished (milliseconds). */
const EXIT_GRACE_MS = 2000;

interface StatusCliOptions extends KafkaCliOptions {
  interval: number;
  window: number;
  once?: boolean;
  json?: boolean;
  topology: string;
  metricsUrl?: string[];
}

/** Commander parser for a number of seconds greater than zero. */
function positiveSeconds(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) {
      throw new InvalidArgumentError(`${name} must be a number of seconds greater than 0, got "${value}".`);
    }
    return parsed;
  };
}

export function statusCommand(): Command {
  const command = new Command('status')
    .description(
      'Show records, rates, consumer lag and top rejection rules per tier and stage, read from Kafka alone. ' +
        'Redraws in place on a terminal, and prints one JSON line per interval when stdout is not a terminal.',
    )
    .option('--interval <seconds>', 'seconds between samples; rates compare consecutive samples', positiveSeconds('--interval'), 2)
    .option('--window <seconds>', 'sliding window for rejection rates, in seconds', positiveSeconds('--window'), DEFAULT_WINDOW_SECONDS)
    .option('--once', 'take two samples --interval apart, print one snapshot and exit')
    .option('--json', 'print snapshots as JSON instead of a table')
    .option('--topology <name>', 'topology whose stages to show', 'default')
    .option('--metrics-url <url...>', '/metrics address of each LLM operator process (tiers up), for model token rates');
  addKafkaOptions(command);
  // status only reads, so the partition count of created topics does not apply.
  command.options.find((option) => option.long === '--partitions')?.hideHelp();

  return command.action(async (options: StatusCliOptions) => {
    const log = createLogger({ command: 'status' });
    const topology = getTopology(options.topology);
    const prefix = resolveTopicPrefix(options.prefix);
    const brokers = resolveBrokers(options.brokers);
    const codec = resolveCodec(options);
    const security = resolveKafkaSecurity(options);
    const mode = chooseMode({ once: options.once ?? false, json: options.json ?? false }, process.stdout.isTTY === true);

    const abort = new AbortController();
    void shutdownSignal((signal) => {
      log.debug({ signal }, 'stopping status');
      abort.abort();
    });
    // A reader that closes the pipe (such as `head`) ends the run instead of crashing it.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      abort.abort();
    });

    try {
      await runStatus({
        brokers,
        security,
        codec,
        prefix,
        topology,
        intervalSeconds: options.interval,
        windowSeconds: options.window,
        metricsUrls: options.metricsUrl,
        mode,
        output: process.stdout,
        log,
        signal: abort.signal,
      });
    } finally {
      // kafkajs 2.2.4 can keep a socket open when a consumer it is restarting after a crash is
      // disconnected, which would keep the process alive. The timer is unref'd, so it only
      // fires if something still keeps the event loop running 2 s after the clients disconnected.
      setTimeout(() => {
        log.debug('a Kafka connection stayed open after disconnect; exiting anyway');
        process.exit();
      }, EXIT_GRACE_MS).unref();
    }
  });
}

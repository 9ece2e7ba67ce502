import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Command } from 'commander';
import { createLogger } from '../core/log.js';
import { parseTopicRole } from '../core/topics.js';
import { decodeToJsonLine } from '../runtime/file-sink.js';
import { addKafkaOptions, connectKafka, type KafkaCliOptions } from './kafka-options.js';
import { positiveInt, positiveSeconds, shutdownSignal } from './options.js';

interface TapCliOptions extends KafkaCliOptions {
  fromBeginning?: boolean;
  max?: number;
  idleExit?: number;
  group?: string;
}

export function tapCommand(): Command {
  const command = new Command('tap')
    .description('Print a tier topic\'s records to stdout as JSON lines (l0..l4, rejected or dlq)')
    .argument('<tier>', 'l0, l1, l2, l3, l4, rejected or dlq')
    .option('--from-beginning', 'start at the earliest offset instead of new records only')
    .option('--max <n>', 'exit after printing this many records', positiveInt('--max'))
    .option('--idle-exit <seconds>', 'exit after this many seconds without a new record', positiveSeconds('--idle-exit'))
    .option('--group <id>', 'consumer group that commits its offsets, so the next tap resumes (default: a throwaway group that commits nothing)');
  addKafkaOptions(command);
  return command.action(async (tier: string, options: TapCliOptions) => {
    const role = parseTopicRole(tier);
    const log = createLogger({ command: 'tap', tier: role });
    const { bus, topics, prefix, codec } = await connectKafka(options, 'tiers-tap', log);
    const groupId = options.group ?? `${prefix}.tap.${randomUUID()}`;
    let printed = 0;
    let lastActivity = Date.now();
    let finish!: (reason: string) => void;
    const finished = new Promise<string>((resolve) => (finish = resolve));

    const subscription = await bus.subscribe({
      groupId,
      topic: topics[role],
      fromBeginning: options.fromBeginning ?? false,
      maxBatchSize: 500,
      commitOffsets: options.group !== undefined,
      handler: async (messages) => {
        lastActivity = Date.now();
        let chunk = '';
        let handled = 0;
        for (const message of messages) {
          if (options.max !== undefined && printed >= options.max) break;
          chunk += (await decodeToJsonLine(codec, role, message.value)) + '\n';
          printed++;
          handled++;
        }
        if (chunk && !process.stdout.write(chunk)) await once(process.stdout, 'drain');
        if (options.max !== undefined && printed >= options.max) finish('max');
        // With --group, only printed records may be committed, so the next tap resumes right after them.
        return handled;
      },
    });
    log.info({ topic: topics[role], groupId }, 'tap started');

    let idleTimer: NodeJS.Timeout | undefined;
    if (options.idleExit !== undefined) {
      const idleMs = options.idleExit * 1000;
      idleTimer = setInterval(() => {
        if (Date.now() - lastActivity >= idleMs) finish('idle');
      }, Math.min(1000, Math.max(100, idleMs / 4)));
    }
    const reason = await Promise.race([finished, shutdownSignal(), subscription.done.then(() => 'stopped')]);
    if (idleTimer) clearInterval(idleTimer);
    await subscription.stop();
    await bus.close();
    log.info({ printed, reason }, 'tap stopped');
  });
}

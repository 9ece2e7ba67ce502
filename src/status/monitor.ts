import { once } from 'node:events';
import { writeSync } from 'node:fs';
import type { Logger } from 'pino';
import type { ValueCodec } from '../codec/registry.js';
import { errorMessage } from '../core/errors.js';
import type { Topology } from '../topologies/index.js';
import type { KafkaSecurity } from '../bus/kafka-bus.js';
import { brokerNotReady, brokerUnreachable, connectAdmin, createStatusKafka, isTransientKafkaError } from './kafka-client.js';
import { ANSI, renderFrame, renderText } from './render.js';
import { sleep, StatusSession } from './session.js';
import type { Sample } from './types.js';

/** How long `--once` waits for the rejected-topic reader to count up to the second sample (milliseconds). */
const CATCH_UP_TIMEOUT_MS = 10_000;
/** Time from start-up within which transient broker errors on the first poll are retried (milliseconds). */
const STARTUP_BUDGET_MS = 15_000;
/** Pause before a poll that failed with a transient error is tried again (milliseconds). */
const TRANSIENT_RETRY_MS = 1000;

/**
 * Output modes: `live` redraws a table in place on a terminal, `lines` prints one JSON
 * snapshot per interval, `once-json` and `once-text` print one snapshot and return.
 */
export type StatusMode = 'live' | 'lines' | 'once-json' | 'once-text';

export interface StatusOptions {
  brokers: string[];
  security?: KafkaSecurity;
  /** Decodes rejected-topic values; the same codec the producers of the prefix use. */
  codec: ValueCodec;
  prefix: string;
  topology: Topology;
  intervalSeconds: number;
  windowSeconds: number;
  /** /metrics URLs of operator processes to read LLM token counters from. */
  metricsUrls?: string[];
  mode: StatusMode;
  /** Usually process.stdout. The exit hook uses `fd` to restore the cursor synchronously. */
  output: NodeJS.WriteStream & { fd: number };
  log: Logger;
  /** Aborts on SIGINT or SIGTERM, after which the run disconnects and returns. */
  signal: AbortSignal;
}

/** Chooses the output mode from the flags and whether stdout is a terminal. */
export function chooseMode(flags: { once: boolean; json: boolean }, isTerminal: boolean): StatusMode {
  if (flags.once) return flags.json ? 'once-json' : 'once-text';
  return isTerminal && !flags.json ? 'live' : 'lines';
}

/** Connects, samples Kafka until done or stopped, and disconnects. */
export async function runStatus(options: StatusOptions): Promise<void> {
  const deadline = Date.now() + STARTUP_BUDGET_MS;
  const kafka = createStatusKafka(options.brokers, options.log, options.security);
  const admin = await connectAdmin(kafka, options.brokers, options.security);
  const session = new StatusSession(kafka, admin, options);
  try {
    // A server can accept the connection and never respond to requests, so the first poll is the real check.
    const first = await pollRetryingTransient(session, deadline, options).catch((err: unknown) => {
      throw isTransientKafkaError(err) ? brokerNotReady(options.brokers, err) : brokerUnreachable(options.brokers, err);
    });
    if (first === undefined) return;
    options.log.info({ brokers: options.brokers, prefix: options.prefix, mode: options.mode }, 'status started');
    if (options.mode === 'once-json' || options.mode === 'once-text') await reportOnce(session, first, options);
    else await reportEvery(session, first, options);
    options.log.info({ prefix: options.prefix }, 'status stopped');
  } finally {
    await session.close();
  }
}

/** Takes a second sample one interval after the first, so rates are measured, and prints one snapshot. */
async function reportOnce(session: StatusSession, first: Sample, options: StatusOptions): Promise<void> {
  await sleep(Math.max(0, first.time + options.intervalSeconds * 1000 - Date.now()), options.signal);
  const second = await pollRetryingTransient(session, Date.now() + options.intervalSeconds * 1000, options);
  if (second === undefined) return;
  const caughtUp = await session.waitForRejections(second, CATCH_UP_TIMEOUT_MS, options.signal);
  if (options.signal.aborted) return;
  if (!caughtUp) {
    options.log.warn({ timeoutMs: CATCH_UP_TIMEOUT_MS }, 'rejected-topic reader did not catch up in time; rule counts may be low');
  }
  const snapshot = session.snapshot(second, first);
  const text = options.mode === 'once-json' ? JSON.stringify(snapshot) + '\n' : renderText(snapshot);
  await write(options.output, text);
}

/** Samples every interval until the signal aborts, redrawing the view or printing a JSON line each time. */
async function reportEvery(session: StatusSession, first: Sample, options: StatusOptions): Promise<void> {
  const { output, log, signal } = options;
  const live = options.mode === 'live';
  const footer = `refreshing every ${options.intervalSeconds} s, Ctrl-C to exit`;
  let previous: Sample | undefined;
  let current = first;
  let error: string | null = null;
  let frame = '';

  const redraw = () => output.write(renderFrame(frame, output.columns, output.rows));
  const restoreCursor = () => writeSync(output.fd, ANSI.showCursor);
  if (live) {
    await write(output, ANSI.clearScreen + ANSI.hideCursor);
    // A second Ctrl-C exits the process at once, and the cursor must still come back then.
    process.once('exit', restoreCursor);
    output.on('resize', redraw);
  }

  try {
    if (live) {
      frame = renderText(session.snapshot(current, previous, error), footer);
      redraw();
    }
    const intervalMs = options.intervalSeconds * 1000;
    let nextPollAt = current.time + intervalMs;
    while (!signal.aborted) {
      // Polls start on a fixed schedule, so a slow poll does not stretch the interval.
      await sleep(Math.max(0, nextPollAt - Date.now()), signal);
      if (signal.aborted) break;
      nextPollAt += intervalMs;
      try {
        // A poll against a broker that is down can retry for about 10 s, and Ctrl-C must not wait for it.
        const next = await untilAborted(session.poll(), signal);
        if (next === undefined) break;
        if (error !== null) log.info({ previousError: error }, 'status poll succeeded again');
        previous = current;
        current = next;
        error = null;
      } catch (err) {
        // Keep showing the last good values, and log each distinct failure once rather than every interval.
        const message = errorMessage(err);
        if (message !== error) log.warn({ error: message }, 'status poll failed; retrying at the next interval');
        error = message;
      }
      const snapshot = session.snapshot(current, previous, error);
      if (live) {
        frame = renderText(snapshot, footer);
        redraw();
      } else {
        await write(output, JSON.stringify(snapshot) + '\n');
      }
      // After a poll slower than the interval, poll again at once instead of catching up on missed polls.
      nextPollAt = Math.max(nextPollAt, Date.now());
    }
  } finally {
    if (live) {
      output.off('resize', redraw);
      process.off('exit', restoreCursor);
      // The newline keeps the terminal's echoed ^C and later log lines off the last row of the view.
      await write(output, ANSI.showCursor + '\n');
    }
  }
}

/**
 * Polls, and after a transient broker error (a broker starting or a coordinator moving)
 * polls again until `deadline`. Returns undefined when the signal aborts.
 */
async function pollRetryingTransient(session: StatusSession, deadline: number, options: StatusOptions): Promise<Sample | undefined> {
  for (;;) {
    try {
      return await untilAborted(session.poll(), options.signal);
    } catch (err) {
      if (!isTransientKafkaError(err) || Date.now() + TRANSIENT_RETRY_MS > deadline) throw err;
      options.log.debug({ error: errorMessage(err) }, 'transient Kafka error; polling again');
      await sleep(TRANSIENT_RETRY_MS, options.signal);
    }
  }
}

/** Resolves with the promise's value, or with undefined as soon as the signal aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      // The abandoned promise may still reject once the clients disconnect.
      promise.catch(() => {});
      resolve(undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Writes and waits for the stream to drain when its buffer is full. A reader that closed
 * the pipe (EPIPE) ends output quietly, and the caller's stream error handler stops the run.
 */
async function write(output: NodeJS.WriteStream, text: string): Promise<void> {
  if (output.write(text)) return;
  try {
    await once(output, 'drain');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
  }
}

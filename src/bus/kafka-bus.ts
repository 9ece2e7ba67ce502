import { randomUUID } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type KafkaConfig,
  type LogEntry,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import type { Logger } from 'pino';
import { ConfigError, EngineError, errorMessage, isRetriable } from '../core/errors.js';
import type {
  BatchInfo,
  Bus,
  BusMessage,
  BusProducer,
  ConsumedMessage,
  ConsumedPosition,
  SubscribeOptions,
  Subscription,
  TopicMessages,
  TopicSpec,
  TransactionalProducer,
} from './bus.js';

export const DEFAULT_BROKERS = '127.0.0.1:9092';

/**
 * `max.message.bytes` of the topics the engine creates. Kafka's default of about 1 MB is
 * below the largest document the readers accept (4 MiB of text by default) once Avro
 * framing and metadata are added.
 */
export const TOPIC_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/**
 * Milliseconds between heartbeats sent while a handler runs. A batch of model calls can
 * take minutes, far past the consumer session timeout (30 s by default), and without them
 * the group would evict the member and hand its partitions to another mid-batch.
 */
const HANDLER_HEARTBEAT_MS = 3000;

/** Milliseconds to wait for the partitions of new topics to get leaders; a new broker can take seconds. */
const TOPIC_LEADER_TIMEOUT_MS = 60_000;
const TOPIC_LEADER_POLL_MS = 100;

/** SASL mechanisms the engine supports, spelled as kafkajs spells them. */
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** SASL credentials. The password must never reach a log line, an error message or a metric. */
export interface SaslCredentials {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

/** TLS and SASL settings shared by every connection to the brokers. */
export interface KafkaSecurity {
  /** node:tls options for the connections, or undefined for plain TCP. */
  tls?: ConnectionOptions;
  sasl?: SaslCredentials;
}

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  log: Logger;
  security?: KafkaSecurity;
}

/** Builds the `ssl` and `sasl` fields of a kafkajs client configuration. */
export function kafkaSecurityConfig(security: KafkaSecurity | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const config: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (security?.tls !== undefined) config.ssl = security.tls;
  if (security?.sasl !== undefined) {
    const { mechanism, username, password } = security.sasl;
    // kafkajs types `sasl` as a union keyed by mechanism, and these three share one shape.
    config.sasl = { mechanism, username, password } as SASLOptions;
  }
  return config;
}

/**
 * Node.js codes of a broker certificate that the client rejects, each with the fix to suggest.
 * The codes other than ERR_TLS_CERT_ALTNAME_INVALID come from OpenSSL's verification.
 */
const TLS_CERTIFICATE_HINTS: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'pass the certificate of the CA that signed it with --ssl-ca FILE',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'pass that certificate, or the CA that signed it, with --ssl-ca FILE',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'pass the certificate of the CA that signed it with --ssl-ca FILE',
  UNABLE_TO_GET_ISSUER_CERT: 'pass the certificate of the CA that signed it with --ssl-ca FILE',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'pass the certificate of the CA that signed it with --ssl-ca FILE',
  CERT_UNTRUSTED: 'pass the certificate of the CA that signed it with --ssl-ca FILE',
  CERT_SIGNATURE_FAILURE: 'check that --ssl-ca names the CA that signed it',
  CERT_HAS_EXPIRED: 'renew the broker certificate, or check the clock of this machine',
  CERT_NOT_YET_VALID: 'check the clock of this machine and of the machine that issued the certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'connect with a host name or IP address that the certificate lists, in --brokers',
};

/** Finds the code of a rejected broker certificate in an error or its causes. */
function tlsCertificateErrorCode(err: unknown): string | undefined {
  // kafkajs wraps the socket's error, which carries the code, in its retry error as `cause`.
  let current = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && Object.hasOwn(TLS_CERTIFICATE_HINTS, code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns a failed first connection into an error that names the brokers and the likely fix.
 * For a rejected login it names the user and mechanism, never the password. For a rejected
 * broker certificate it names the verification error.
 */
export function kafkaConnectError(brokers: string[], security: KafkaSecurity | undefined, err: unknown): EngineError {
  const address = brokers.join(',');
  const sasl = security?.sasl;
  const name = (err as Error | null)?.name;
  const type = (err as { type?: unknown } | null)?.type;
  const detail = (err as Error | null)?.message ?? String(err);
  if (sasl !== undefined && name === 'KafkaJSSASLAuthenticationError') {
    const mechanism = sasl.mechanism.toUpperCase();
    return new EngineError(
      'TIERS_TRANSPORT_FAILED',
      `authentication failed for user "${sasl.username}" with mechanism ${mechanism} at ${address}: ${detail}. ` +
        'Check the user name (--sasl-username or TIERS_KAFKA_USERNAME), the password (TIERS_KAFKA_PASSWORD or --sasl-password-file), ' +
        `and that the broker has ${mechanism} credentials for this user.`,
      { cause: err, context: { brokers, username: sasl.username, mechanism: sasl.mechanism } },
    );
  }
  if (sasl !== undefined && type === 'UNSUPPORTED_SASL_MECHANISM') {
    return new EngineError(
      'TIERS_TRANSPORT_FAILED',
      `the Kafka listener at ${address} does not enable SASL mechanism ${sasl.mechanism.toUpperCase()}: ${detail}. ` +
        'Pass a mechanism the broker enables with --sasl-mechanism (or TIERS_KAFKA_SASL_MECHANISM).',
      { cause: err, context: { brokers, mechanism: sasl.mechanism } },
    );
  }
  const certificateCode = security?.tls !== undefined ? tlsCertificateErrorCode(err) : undefined;
  if (certificateCode !== undefined) {
    return new EngineError(
      'TIERS_TRANSPORT_FAILED',
      `TLS connection to Kafka at ${address} failed because the broker certificate was rejected (${certificateCode}): ${detail}. ` +
        `To fix it, ${TLS_CERTIFICATE_HINTS[certificateCode]}.`,
      { cause: err, context: { brokers, code: certificateCode } },
    );
  }
  const securityHint =
    security?.tls === undefined && sasl === undefined ? ' If the listener requires TLS or SASL, pass --ssl or --sasl-mechanism.' : '';
  return new EngineError(
    'TIERS_TRANSPORT_FAILED',
    `cannot connect to Kafka at ${address}: ${detail}. Start a local broker with \`npm run kafka:start\`, or pass --brokers HOST:PORT (or set TIERS_BROKERS).${securityHint}`,
    { cause: err, retriable: true, context: { brokers } },
  );
}

/** Chooses brokers: the explicit option, else TIERS_BROKERS, else 127.0.0.1:9092. */
export function resolveBrokers(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const list = (option ?? env.TIERS_BROKERS ?? DEFAULT_BROKERS)
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  for (const broker of list) {
    if (!/^[^\s:]+:\d{1,5}$/.test(broker)) {
      throw new ConfigError(`invalid broker address "${broker}": expected HOST:PORT`);
    }
  }
  if (list.length === 0) throw new ConfigError('no broker address given: expected HOST:PORT');
  return list;
}

/**
 * Routes kafkajs's own log lines into the engine's structured log. kafkajs logs each failed
 * attempt of a retried request at error level, so those become warnings here. The engine
 * logs the final error itself when the retries run out.
 */
function kafkajsLogCreator(log: Logger) {
  return () =>
    ({ level, log: entry }: LogEntry) => {
      const { message, ...rest } = entry;
      const child = { ...rest, component: 'kafkajs' };
      if (level === logLevel.ERROR || level === logLevel.WARN) log.warn(child, message);
      else if (level === logLevel.INFO) log.debug(child, message);
      else log.trace(child, message);
    };
}

/** The production transport: kafkajs producers and consumer-group members. */
export class KafkaBus implements Bus {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly producers: Producer[] = [];
  private readonly consumers: Consumer[] = [];

  constructor(private readonly options: KafkaBusOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      ...kafkaSecurityConfig(options.security),
      logLevel: logLevel.INFO,
      logCreator: kafkajsLogCreator(options.log),
      retry: { retries: 8, initialRetryTime: 300 },
    });
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    await this.checkReachable();
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((spec) => !existing.has(spec.name));
      if (missing.length > 0) {
        // kafkajs' own wait for leaders gives up at the first UNKNOWN_TOPIC_OR_PARTITION, which a
        // new broker returns for a while when it is still creating its internal topics.
        await admin.createTopics({
          waitForLeaders: false,
          topics: missing.map((spec) => ({
            topic: spec.name,
            numPartitions: spec.partitions,
            replicationFactor: -1,
            configEntries: [
              { name: 'max.message.bytes', value: String(TOPIC_MAX_MESSAGE_BYTES) },
              ...Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
            ],
          })),
        });
        await this.waitForLeaders(admin, missing.map((spec) => spec.name));
        this.options.log.info({ topics: missing.map((spec) => spec.name) }, 'created topics');
      }
      await this.warnOnPartitionMismatch(admin, specs.filter((spec) => existing.has(spec.name)));
    } finally {
      await admin.disconnect();
    }
  }

  /** Waits until every partition of `topics` has a leader, retrying metadata errors until TOPIC_LEADER_TIMEOUT_MS. */
  private async waitForLeaders(admin: Admin, topics: string[]): Promise<void> {
    const deadline = Date.now() + TOPIC_LEADER_TIMEOUT_MS;
    for (let attempt = 1; ; attempt++) {
      let lastError: unknown = null;
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        if (metadata.length === topics.length && metadata.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0))) return;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) {
        const detail = lastError === null ? 'some partitions have no leader' : errorMessage(lastError);
        throw new EngineError(
          'TIERS_TRANSPORT_FAILED',
          `created topics ${topics.join(', ')} but they had no leaders after ${TOPIC_LEADER_TIMEOUT_MS / 1000} s (${detail}); check the broker's log`,
          { retriable: true },
        );
      }
      if (attempt === 1 || attempt % 20 === 0) {
        this.options.log.debug({ err: lastError, topics, attempt }, 'waiting for the leaders of new topics');
      }
      await new Promise((resolve) => setTimeout(resolve, TOPIC_LEADER_POLL_MS));
    }
  }

  async createProducer(): Promise<BusProducer> {
    // NOTE: acks from all in-sync replicas, but not yet idempotent or transactional; a producer
    // retry after a lost ack can duplicate a message.
    // The default partitioner hashes keys with murmur2 as the Java client does, so records of
    // one dedup scope land on the same partition whichever client produced them.
    const producer = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    this.producers.push(producer);
    return {
      send: async (topic: string, messages: BusMessage[]) => {
        if (messages.length === 0) return;
        await producer.send({ topic, acks: -1, messages: messages.map(toKafkaMessage) });
      },
      close: async () => {
        await producer.disconnect();
      },
    };
  }

  private async withHeartbeats<T>(heartbeat: () => Promise<void>, groupId: string, run: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      heartbeat().catch((err: unknown) => this.options.log.warn({ err, groupId }, 'heartbeat during a long batch failed'));
    }, HANDLER_HEARTBEAT_MS);
    try {
      return await run();
    } finally {
      clearInterval(timer);
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    // Read committed (also the kafkajs default), so records of aborted ingest transactions never reach a stage or tap.
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      readUncommitted: false,
      ...(options.sessionTimeoutMs !== undefined ? { sessionTimeout: options.sessionTimeoutMs } : {}),
    });
    this.consumers.push(consumer);

    let resolveDone!: () => void;
    let rejectDone!: (err: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      resolveDone = resolve;
      rejectDone = reject;
    });
    done.catch(() => {});
    // Partitions assigned at the last group join, for readiness checks.
    let assigned = 0;
    let stopped = false;
    consumer.on(consumer.events.CRASH, (event) => {
      assigned = 0;
      if (event.payload.restart || stopped) return;
      const error = event.payload.error;
      if (!isBrokerUnavailable(error)) {
        rejectDone(error);
        return;
      }
      // kafkajs gives up for good when it cannot find the group coordinator while a broker
      // restarts. That outage ends, so join the group again, and keep trying until it does.
      this.options.log.warn({ err: error, groupId: options.groupId, retryMs: REJOIN_DELAY_MS }, 'consumer stopped while the broker was unavailable; rejoining');
      const rejoin = () => {
        if (stopped) return;
        start().catch((err: unknown) => {
          this.options.log.warn({ err, groupId: options.groupId }, 'rejoining the consumer group failed; trying again');
          setTimeout(rejoin, REJOIN_DELAY_MS);
        });
      };
      setTimeout(rejoin, REJOIN_DELAY_MS);
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      assigned = Object.values(event.payload.memberAssignment).reduce((sum, partitions) => sum + partitions.length, 0);
      options.onAssignment?.(event.payload.memberAssignment[options.topic] ?? []);
    });
    consumer.on(consumer.events.REBALANCING, () => {
      assigned = 0;
    });
    consumer.on(consumer.events.STOP, () => {
      assigned = 0;
    });
    if (options.commitOffsets !== false || options.commitControlRecords === true) {
      // A fetch of only commit or abort markers never reaches eachBatch; kafkajs resolves it
      // but commits only with autoCommit, so commit it here.
      consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
        if (event.payload.batchSize !== 0) return;
        const { topic, partition, lastOffset } = event.payload;
        const offset = (BigInt(lastOffset) + 1n).toString();
        consumer.commitOffsets([{ topic, partition, offset }]).catch((err: unknown) => {
          this.options.log.warn({ err, groupId: options.groupId, topic, partition, offset }, 'committing past transaction markers failed; the next commit covers it');
        });
      });
    }

    // The batch in progress, handler and commit included, so stop() can let it finish.
    let inFlight: Promise<void> = Promise.resolve();
    const holds = new PartitionHolds(consumer, options, this.options.log);
    const start = async () => {
      await consumer.connect();
      await consumer.subscribe({ topic: options.topic, fromBeginning: options.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => {
          const run = this.handleBatch(consumer, options, payload, holds);
          inFlight = run.catch(() => {});
          return run;
        },
      });
    };
    await start();

    return {
      done,
      assignedPartitions: () => assigned,
      stop: async () => {
        stopped = true;
        holds.clear();
        // A handler may end the run (tap --max) before its offsets are committed, so wait
        // for that commit before leaving the group.
        await inFlight;
        await consumer.disconnect();
        resolveDone();
      },
    };
  }

  private async handleBatch(consumer: Consumer, options: SubscribeOptions, payload: EachBatchPayload, holds: PartitionHolds): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    const all = batch.messages;
    for (let start = 0; start < all.length; start += options.maxBatchSize) {
      // Stop between chunks on shutdown or rebalance; offsets of unhandled chunks stay uncommitted.
      if (!isRunning() || isStale()) return;
      const chunk: ConsumedMessage[] = all.slice(start, start + options.maxBatchSize).map((m) => ({
        topic: batch.topic,
        partition: batch.partition,
        offset: m.offset,
        key: m.key ? m.key.toString('utf8') : null,
        value: m.value ?? Buffer.alloc(0),
      }));
      const finalChunk = start + options.maxBatchSize >= all.length;
      const info: BatchInfo = { highWatermark: batch.highWatermark };
      if (finalChunk) info.endOffset = (BigInt(batch.lastOffset()) + 1n).toString();
      let result: number | void;
      try {
        result = await this.withHeartbeats(heartbeat, options.groupId, () => options.handler(chunk, info));
      } catch (err) {
        // A retriable failure (a model endpoint down) pauses the partition: nothing of the chunk
        // is committed, and fetching pauses with a growing delay instead of retrying at once.
        if (!isRetriable(err)) throw err;
        holds.hold(batch.partition, chunk[0]!.offset, err);
        return;
      }
      holds.release(batch.partition);
      const handled = typeof result === 'number' ? Math.max(0, Math.min(result, chunk.length)) : chunk.length;
      if (handled === 0) return;
      // A fully handled final chunk also covers the markers that end the fetch.
      const through = handled === chunk.length && info.endOffset !== undefined ? BigInt(info.endOffset) - 1n : BigInt(chunk[handled - 1]!.offset);
      resolveOffset(through.toString());
      if (options.commitOffsets !== false) {
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (through + 1n).toString() }]);
      }
      // The unhandled rest is fetched again from the committed offset.
      if (handled < chunk.length) return;
      await heartbeat();
    }
  }

  /**
   * Creates a transactional producer and initializes its producer id at once, which fences
   * an earlier producer with the same id (see initTransactionalProducer).
   */
  async createTransactionalProducer(transactionalId: string): Promise<TransactionalProducer> {
    let producer = await this.initTransactionalProducer(transactionalId);
    // Set when a failed transaction could not be aborted. kafkajs then stays in its committing
    // or aborting state and rejects every later transaction, so the producer is replaced.
    let broken = false;
    const usable = async (): Promise<Producer> => {
      if (!broken) return producer;
      await this.dropProducer(producer);
      // Initializing the same transactional id makes the coordinator first complete the
      // transaction that the old producer left open.
      producer = await this.initTransactionalProducer(transactionalId);
      broken = false;
      this.options.log.info({ transactionalId }, 'replaced the transactional producer after a transaction that could not be aborted');
      return producer;
    };

    // The transaction being built, so a process that must exit can abort it.
    let open: Awaited<ReturnType<Producer['transaction']>> | null = null;
    return {
      sendAtomically: async (batches: TopicMessages[], consumed?: ConsumedPosition) => {
        const topicMessages = batches
          .filter((batch) => batch.messages.length > 0)
          .map((batch) => ({ topic: batch.topic, messages: batch.messages.map(toKafkaMessage) }));
        if (topicMessages.length === 0 && consumed === undefined) return;
        const transaction = await (await usable()).transaction();
        open = transaction;
        try {
          if (topicMessages.length > 0) await transaction.sendBatch({ acks: -1, topicMessages });
          if (consumed !== undefined) {
            await transaction.sendOffsets({
              consumerGroupId: consumed.groupId,
              topics: [{ topic: consumed.topic, partitions: [{ partition: consumed.partition, offset: consumed.offset }] }],
            });
          }
          await transaction.commit();
        } catch (err) {
          const fenced = fencedError(err, transactionalId);
          // A failed commit cannot be aborted in kafkajs, and an abort fails while the broker is away.
          const aborted = await transaction.abort().then(
            () => true,
            () => false,
          );
          // A fenced producer must not come back: a new one would fence the process that took over.
          if (!aborted && fenced === null) broken = true;
          throw fenced ?? err;
        } finally {
          open = null;
        }
      },
      abortOpen: async () => {
        const transaction = open;
        if (transaction === null || !transaction.isActive()) return;
        this.options.log.warn({ transactionalId }, 'aborting the open transaction');
        await transaction.abort();
      },
      close: async () => {
        await producer.disconnect();
      },
    };
  }

  /**
   * Connects a transactional, idempotent producer and initializes its producer id. Initializing
   * with a transactional id that another producer used fences that producer: the broker aborts
   * its open transaction and rejects its later sends with INVALID_PRODUCER_EPOCH.
   */
  private async initTransactionalProducer(transactionalId: string): Promise<Producer> {
    const producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      // The coordinator returns CONCURRENT_TRANSACTIONS while it still writes the previous
      // commit's markers. With the client-wide first retry after 300 ms, a 5-message
      // transaction took about 120 ms on a local single-node broker, and about 20 ms with these
      // settings (30 transactions in a row, measured once).
      retry: { retries: 12, initialRetryTime: 20, maxRetryTime: 2000 },
    });
    try {
      await producer.connect();
      // kafkajs sends InitProducerId with the first transaction; an empty one sends no EndTxn.
      const init = await producer.transaction();
      await init.abort();
    } catch (err) {
      await producer.disconnect().catch(() => {});
      throw err;
    }
    this.producers.push(producer);
    this.options.log.info({ transactionalId }, 'transactional producer initialized');
    return producer;
  }

  /** Disconnects a producer that is being replaced and removes it from the producers closed at shutdown. */
  private async dropProducer(producer: Producer): Promise<void> {
    const index = this.producers.indexOf(producer);
    if (index !== -1) this.producers.splice(index, 1);
    await producer.disconnect().catch((err: unknown) => this.options.log.warn({ err }, 'disconnecting a replaced producer failed'));
  }

  /** Returns the offset a consumer group has committed on one partition, or null when it has none. */
  async committedOffset(groupId: string, topic: string, partition: number): Promise<bigint | null> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const offset = committed?.partitions.find((p) => p.partition === partition)?.offset;
      return offset === undefined || BigInt(offset) < 0n ? null : BigInt(offset);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Reads the committed messages of a topic from its start up to the end offsets it has when
   * the call begins, then leaves. Uses a throwaway consumer group that commits nothing.
   * Returns the number of messages passed to `onMessage`.
   */
  async readTopicToEnd(topic: string, onMessage: (message: ConsumedMessage) => void, timeoutMs: number): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    let ends: Map<number, bigint>;
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends = new Map(offsets.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
    } finally {
      await admin.disconnect();
    }
    if (ends.size === 0) return 0;

    const consumer = this.kafka.consumer({ groupId: `${this.options.clientId}.read.${randomUUID()}`, readUncommitted: false });
    let count = 0;
    let finish!: () => void;
    let fail!: (err: unknown) => void;
    const finished = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    // Batches of only transaction markers or aborted messages never reach eachBatch, so the
    // position is taken from the instrumentation event, which kafkajs emits for both kinds.
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      const { partition, lastOffset } = event.payload;
      const end = ends.get(partition);
      if (end !== undefined && BigInt(lastOffset) + 1n >= end) ends.delete(partition);
      if (ends.size === 0) finish();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart) fail(event.payload.error);
    });
    const timer = setTimeout(
      () => fail(new EngineError('TIERS_TRANSPORT_FAILED', `timed out after ${timeoutMs} ms reading ${topic} to its end`, { retriable: true })),
      timeoutMs,
    );
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            count++;
            onMessage({
              topic: batch.topic,
              partition: batch.partition,
              offset: m.offset,
              key: m.key ? m.key.toString('utf8') : null,
              value: m.value ?? Buffer.alloc(0),
            });
          }
        },
      });
      await finished;
      return count;
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => {});
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.consumers.map((consumer) => consumer.disconnect()));
    await Promise.allSettled(this.producers.map((producer) => producer.disconnect()));
  }

  /**
   * Connects once with few retries, so a wrong address or a stopped broker fails in seconds
   * with a hint instead of after the minute the regular retry policy allows.
   */
  async checkReachable(): Promise<void> {
    const probe = new Kafka({
      clientId: `${this.options.clientId}-probe`,
      brokers: this.options.brokers,
      ...kafkaSecurityConfig(this.options.security),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      retry: { retries: 2, initialRetryTime: 300, maxRetryTime: 1000 },
    }).admin();
    try {
      await probe.connect();
      // A SASL listener completes the version handshake of connect() without credentials and
      // closes the connection at the first real request, so the probe sends one.
      await probe.describeCluster();
    } catch (err) {
      throw kafkaConnectError(this.options.brokers, this.options.security, err);
    } finally {
      await probe.disconnect().catch(() => {});
    }
  }

  private async warnOnPartitionMismatch(admin: ReturnType<Kafka['admin']>, specs: TopicSpec[]): Promise<void> {
    if (specs.length === 0) return;
    const metadata = await admin.fetchTopicMetadata({ topics: specs.map((spec) => spec.name) });
    for (const topic of metadata.topics) {
      const configured = specs.find((spec) => spec.name === topic.name)?.partitions;
      if (configured !== undefined && topic.partitions.length !== configured) {
        this.options.log.warn(
          { topic: topic.name, partitions: topic.partitions.length, configured },
          'topic exists with a different partition count; keeping it as it is',
        );
      }
    }
  }
}

/** Milliseconds between attempts to rejoin the group after the broker was unavailable. */
const REJOIN_DELAY_MS = 2000;

/** True for the errors kafkajs gives up with while no broker answers: connection and coordinator failures. */
function isBrokerUnavailable(err: unknown): boolean {
  for (let current = err as { name?: string; message?: string; cause?: unknown } | undefined; current; current = current.cause as typeof current) {
    if (current.name === 'KafkaJSConnectionError' || current.name === 'KafkaJSGroupCoordinatorNotFound') return true;
    if (/group coordinator|connection/i.test(current.message ?? '')) return true;
  }
  return false;
}

/** Maximum pause, in milliseconds, of a partition held back by retriable failures. */
const MAX_HOLD_MS = 30_000;

/**
 * Pauses partitions whose batch failed with a retriable error, and resumes them after a delay
 * that doubles with each failure in a row, from 1 s to 30 s. The consumer seeks back to the
 * batch's first offset, so the same records come again after the pause; until then they stay
 * in the broker, not in memory.
 */
class PartitionHolds {
  private readonly failures = new Map<number, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly consumer: Consumer,
    private readonly options: SubscribeOptions,
    private readonly log: Logger,
  ) {}

  hold(partition: number, offset: string, err: unknown): void {
    const failures = (this.failures.get(partition) ?? 0) + 1;
    this.failures.set(partition, failures);
    const pauseMs = Math.min(MAX_HOLD_MS, 1000 * 2 ** (failures - 1));
    const topic = this.options.topic;
    this.log.warn(
      { err, groupId: this.options.groupId, topic, partition, offset, failures, pauseMs },
      'batch held by a retriable failure; pausing the partition, nothing committed',
    );
    this.consumer.seek({ topic, partition, offset });
    this.consumer.pause([{ topic, partitions: [partition] }]);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.log.info({ groupId: this.options.groupId, topic, partition }, 'resuming a held partition');
      this.consumer.resume([{ topic, partitions: [partition] }]);
    }, pauseMs);
    this.timers.add(timer);
  }

  release(partition: number): void {
    this.failures.delete(partition);
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** Converts a bus message to the kafkajs form, with a null value for a tombstone. */
function toKafkaMessage(message: BusMessage): { key: string | null; value: Buffer | null } {
  return { key: message.key, value: message.tombstone === true ? null : message.value };
}

/** Turns the broker's fencing errors into an error stating that another producer took over the transactional id. */
function fencedError(err: unknown, transactionalId: string): EngineError | null {
  const type = (err as { type?: unknown } | null)?.type;
  if (type !== 'INVALID_PRODUCER_EPOCH' && type !== 'PRODUCER_FENCED') return null;
  return new EngineError(
    'TIERS_TRANSPORT_FAILED',
    `another producer with transactional id "${transactionalId}" has started, so this one is fenced and stops`,
    { cause: err, context: { transactionalId, fenced: true } },
  );
}

/** True for the error a fenced transactional producer raises: the process must stop, not retry. */
export function isFencedError(err: unknown): boolean {
  return err instanceof EngineError && err.context.fenced === true;
}

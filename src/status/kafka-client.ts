import { Kafka, logLevel, type Admin, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import { kafkaConnectError, kafkaSecurityConfig, type KafkaSecurity } from '../bus/kafka-bus.js';
import { EngineError, errorMessage } from '../core/errors.js';

/**
 * Timeouts for a read-only viewer, shorter than the engine's, so a missing broker is
 * reported quickly. On loopback a refused connection failed in about 1 s and a server that
 * accepts connections but never responds in about 11 s. A host that drops connection
 * attempts should take about 10 s (3 attempts of at most 3 s each plus backoff), an estimate.
 */
const CONNECTION_TIMEOUT_MS = 3000;
const REQUEST_TIMEOUT_MS = 10_000;
const RETRIES = 2;

/**
 * Creates a kafkajs client for `tiers status`. kafkajs logs each failed attempt itself, but
 * the command logs every error that reaches it, so kafkajs lines go to the debug level and
 * do not draw over the live view.
 */
export function createStatusKafka(brokers: string[], log: Logger, security?: KafkaSecurity): Kafka {
  return new Kafka({
    clientId: 'tiers-status',
    brokers,
    ...kafkaSecurityConfig(security),
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    retry: { retries: RETRIES, initialRetryTime: 300, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log.debug({ ...rest, component: 'kafkajs' }, message);
      },
  });
}

/** Connects an admin client, turning a connection failure into an error that names the brokers and the fix. */
export async function connectAdmin(kafka: Kafka, brokers: string[], security?: KafkaSecurity): Promise<Admin> {
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (err) {
    // A rejected login or broker certificate gets the message that names it and the fix.
    const secured = security?.sasl !== undefined || security?.tls !== undefined;
    throw secured ? kafkaConnectError(brokers, security, err) : brokerUnreachable(brokers, err);
  }
  return admin;
}

/** Error for brokers that refuse connections or do not respond to requests. */
export function brokerUnreachable(brokers: string[], cause: unknown): EngineError {
  return new EngineError(
    'TIERS_TRANSPORT_FAILED',
    `cannot reach Kafka at ${brokers.join(',')}: ${errorMessage(cause)}. ` +
      'Start a local broker with npm run kafka:start, or pass --brokers HOST:PORT (or set TIERS_BROKERS).',
    { cause, context: { brokers } },
  );
}

/**
 * Kafka error codes a broker returns while it starts, elects leaders or moves a group
 * coordinator, by the `type` names kafkajs 2.2 gives them (src/protocol/error.js). A request
 * that fails with one of them can succeed a second later.
 */
const TRANSIENT_ERROR_TYPES = new Set([
  'GROUP_LOAD_IN_PROGRESS',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'UNKNOWN_TOPIC_OR_PARTITION',
]);

/** True when the error, or an error in its cause chain, has a transient Kafka error code. */
export function isTransientKafkaError(err: unknown): boolean {
  for (let current: unknown = err; current instanceof Error; current = current.cause) {
    const type = (current as Error & { type?: unknown }).type;
    if (typeof type === 'string' && TRANSIENT_ERROR_TYPES.has(type)) return true;
  }
  return false;
}

/** Error for brokers that still return transient errors when the start-up budget runs out. */
export function brokerNotReady(brokers: string[], cause: unknown): EngineError {
  return new EngineError(
    'TIERS_TRANSPORT_FAILED',
    `Kafka at ${brokers.join(',')} is not ready: ${errorMessage(cause)}. Try again in a few seconds.`,
    { cause, context: { brokers } },
  );
}

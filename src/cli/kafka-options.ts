import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { KafkaBus, resolveBrokers, SASL_MECHANISMS, type KafkaSecurity, type SaslMechanism } from '../bus/kafka-bus.js';
import { createValueCodec, type CodecKind, type ValueCodec } from '../codec/registry.js';
import { ConfigError } from '../core/errors.js';
import { resolveTopicPrefix, TOPIC_ROLES, topicNames, type TopicNames } from '../core/topics.js';
import { DEFAULT_PARTITIONS, positiveInt } from './options.js';

export interface KafkaCliOptions {
  brokers?: string;
  prefix?: string;
  partitions: number;
  codec?: string;
  registryUrl?: string;
  saslMechanism?: string;
  saslUsername?: string;
  saslPasswordFile?: string;
  ssl?: boolean;
  sslCa?: string;
  sslCert?: string;
  sslKey?: string;
}

/** The TLS and SASL fields of KafkaCliOptions, for commands that take no other Kafka option. */
export type KafkaSecurityCliOptions = Pick<
  KafkaCliOptions,
  'saslMechanism' | 'saslUsername' | 'saslPasswordFile' | 'ssl' | 'sslCa' | 'sslCert' | 'sslKey'
>;

const CODEC_KINDS: readonly CodecKind[] = ['avro', 'registry', 'json'];

/** Adds --brokers, --prefix, --partitions, --codec, --registry-url and the TLS and SASL options. */
export function addKafkaOptions(command: Command): Command {
  command
    .option('--brokers <list>', 'comma-separated HOST:PORT list (default: $TIERS_BROKERS, else 127.0.0.1:9092)')
    .option('--prefix <prefix>', 'topic prefix (default: $TIERS_TOPIC_PREFIX, else tiers)')
    .option('--partitions <n>', 'partitions of each topic the engine creates', positiveInt('--partitions'), DEFAULT_PARTITIONS)
    .option(
      '--codec <kind>',
      'message value format: registry (Confluent wire format), avro (plain Avro) or json (default: registry when a registry URL is set, else avro)',
    )
    .option('--registry-url <url>', 'Confluent-compatible schema registry API (default: $TIERS_REGISTRY_URL)');
  return addKafkaSecurityOptions(command);
}

/**
 * Adds the TLS and SASL options. The password has no option of its own, because command-line
 * arguments are visible to every user of the machine in the process list.
 */
export function addKafkaSecurityOptions(command: Command): Command {
  return command
    .option('--ssl', 'connect to the brokers over TLS (default: $TIERS_KAFKA_SSL, else plain TCP)')
    .option('--ssl-ca <file>', 'PEM file of the CA certificates to trust in place of the system ones; turns TLS on')
    .option('--ssl-cert <file>', 'PEM client certificate for mutual TLS, used with --ssl-key; turns TLS on')
    .option('--ssl-key <file>', 'unencrypted PEM private key of --ssl-cert; turns TLS on')
    .option(
      '--sasl-mechanism <name>',
      `SASL mechanism: ${SASL_MECHANISMS.join(', ')} (default: $TIERS_KAFKA_SASL_MECHANISM, else no SASL)`,
    )
    .option('--sasl-username <name>', 'SASL user name (default: $TIERS_KAFKA_USERNAME)')
    .option(
      '--sasl-password-file <file>',
      'file containing the SASL password, without its trailing newline (default: the password in $TIERS_KAFKA_PASSWORD)',
    );
}

/** Reads a file named by an option, turning a failure into an error that names the option. */
function readOptionFile(option: string, path: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (err) {
    throw new ConfigError(`cannot read ${option} file "${path}": ${(err as Error).message}`);
  }
  if (content.length === 0) throw new ConfigError(`${option} file "${path}" is empty`);
  return content;
}

/** Parses TIERS_KAFKA_SSL: 1, true, yes or on turn TLS on, and 0, false, no, off or empty leave it off. */
function parseSslEnv(value: string | undefined): boolean {
  const normalized = (value ?? '').trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(normalized)) return true;
  if (['', '0', 'false', 'no', 'off'].includes(normalized)) return false;
  throw new ConfigError(`invalid TIERS_KAFKA_SSL "${value}": expected 1, true, yes or on to use TLS, or 0, false, no or off`);
}

/** Builds the node:tls options from --ssl, --ssl-ca, --ssl-cert and --ssl-key, or undefined for plain TCP. */
function resolveTls(options: KafkaSecurityCliOptions, env: NodeJS.ProcessEnv): ConnectionOptions | undefined {
  if (options.sslCert !== undefined && options.sslKey === undefined) {
    throw new ConfigError('--ssl-cert needs --ssl-key, the private key of the client certificate');
  }
  if (options.sslKey !== undefined && options.sslCert === undefined) {
    throw new ConfigError('--ssl-key needs --ssl-cert, the client certificate of the private key');
  }
  const fileGiven = options.sslCa !== undefined || options.sslCert !== undefined;
  if (!(options.ssl === true || fileGiven || parseSslEnv(env.TIERS_KAFKA_SSL))) return undefined;

  const tls: ConnectionOptions = {};
  if (options.sslCa !== undefined) tls.ca = [readOptionFile('--ssl-ca', options.sslCa)];
  if (options.sslCert !== undefined && options.sslKey !== undefined) {
    tls.cert = readOptionFile('--ssl-cert', options.sslCert);
    tls.key = readOptionFile('--ssl-key', options.sslKey);
  }
  return tls;
}

/** Reads the SASL password: --sasl-password-file, else TIERS_KAFKA_PASSWORD. */
function resolvePassword(options: KafkaSecurityCliOptions, env: NodeJS.ProcessEnv): string {
  if (options.saslPasswordFile !== undefined) {
    // One trailing newline is dropped, since `echo secret > file` adds it.
    const password = readOptionFile('--sasl-password-file', options.saslPasswordFile).toString('utf8').replace(/\r?\n$/, '');
    if (password.length === 0) throw new ConfigError(`--sasl-password-file file "${options.saslPasswordFile}" contains only a newline`);
    return password;
  }
  const password = env.TIERS_KAFKA_PASSWORD;
  if (password === undefined || password.length === 0) {
    throw new ConfigError('a SASL mechanism is set but no password: set TIERS_KAFKA_PASSWORD or pass --sasl-password-file FILE');
  }
  return password;
}

/**
 * Validates the TLS and SASL options and their environment variables, and reads the files they
 * name. Options take precedence over environment variables. Throws ConfigError, whose message
 * never contains the password.
 */
export function resolveKafkaSecurity(options: KafkaSecurityCliOptions, env: NodeJS.ProcessEnv = process.env): KafkaSecurity {
  const security: KafkaSecurity = {};
  const tls = resolveTls(options, env);
  if (tls !== undefined) security.tls = tls;

  const mechanismSource = options.saslMechanism !== undefined ? '--sasl-mechanism' : 'TIERS_KAFKA_SASL_MECHANISM';
  const mechanismValue = options.saslMechanism ?? (env.TIERS_KAFKA_SASL_MECHANISM || undefined);
  const username = options.saslUsername ?? (env.TIERS_KAFKA_USERNAME || undefined);
  if (mechanismValue === undefined) {
    if (username !== undefined) {
      throw new ConfigError('a SASL user name is set but no mechanism: pass --sasl-mechanism or set TIERS_KAFKA_SASL_MECHANISM');
    }
    if (options.saslPasswordFile !== undefined) {
      throw new ConfigError('--sasl-password-file is set but no SASL mechanism: pass --sasl-mechanism or set TIERS_KAFKA_SASL_MECHANISM');
    }
    if (env.TIERS_KAFKA_PASSWORD) {
      throw new ConfigError(
        'TIERS_KAFKA_PASSWORD is set but no SASL mechanism: pass --sasl-mechanism or set TIERS_KAFKA_SASL_MECHANISM, or unset TIERS_KAFKA_PASSWORD',
      );
    }
    return security;
  }

  const mechanism = mechanismValue.trim().toLowerCase();
  if (!SASL_MECHANISMS.includes(mechanism as SaslMechanism)) {
    throw new ConfigError(`invalid ${mechanismSource} "${mechanismValue}": expected one of ${SASL_MECHANISMS.join(', ')}`);
  }
  if (username === undefined || username.length === 0) {
    throw new ConfigError(`${mechanismSource} ${mechanism} needs a user name: pass --sasl-username or set TIERS_KAFKA_USERNAME`);
  }
  security.sasl = { mechanism: mechanism as SaslMechanism, username, password: resolvePassword(options, env) };
  return security;
}

/** Returns the log fields that describe the connection security, without the password. */
export function securityLogFields(security: KafkaSecurity): Record<string, unknown> {
  return { tls: security.tls !== undefined, saslMechanism: security.sasl?.mechanism, saslUsername: security.sasl?.username };
}

/**
 * Chooses the value codec: --codec, else `registry` when a registry URL is configured, else
 * plain Avro. Every process that shares a prefix must use the same codec.
 */
export function resolveCodec(options: Pick<KafkaCliOptions, 'codec' | 'registryUrl'>, env: NodeJS.ProcessEnv = process.env): ValueCodec {
  const registryUrl = options.registryUrl ?? env.TIERS_REGISTRY_URL;
  const kind = options.codec ?? env.TIERS_CODEC ?? (registryUrl ? 'registry' : 'avro');
  if (!CODEC_KINDS.includes(kind as CodecKind)) {
    throw new ConfigError(`invalid --codec "${kind}": expected one of ${CODEC_KINDS.join(', ')}`);
  }
  if (kind === 'registry' && !registryUrl) {
    throw new ConfigError('--codec registry needs --registry-url or TIERS_REGISTRY_URL, such as http://127.0.0.1:8081/apis/ccompat/v7');
  }
  return createValueCodec({ kind: kind as CodecKind, registryUrl });
}

export interface KafkaSetup {
  bus: KafkaBus;
  topics: TopicNames;
  prefix: string;
  codec: ValueCodec;
}

/**
 * Connects to the brokers, creates any missing tier, rejected and DLQ topic and, with the
 * registry codec, registers the value schemas of every topic of the prefix.
 */
export async function connectKafka(options: KafkaCliOptions, clientId: string, log: Logger): Promise<KafkaSetup> {
  const prefix = resolveTopicPrefix(options.prefix);
  const brokers = resolveBrokers(options.brokers);
  const codec = resolveCodec(options);
  const security = resolveKafkaSecurity(options);
  if (security.sasl?.mechanism === 'plain' && security.tls === undefined) {
    log.warn({ brokers }, 'SASL PLAIN without TLS sends the password unencrypted: pass --ssl, or use a SCRAM mechanism');
  }
  const topics = topicNames(prefix);
  const bus = new KafkaBus({ brokers, clientId, log, security });
  await bus.ensureTopics(TOPIC_ROLES.map((role) => ({ name: topics[role], partitions: options.partitions })));
  await codec.prepareTopics(prefix);
  log.info({ brokers, prefix, codec: codec.kind, ...securityLogFields(security) }, 'connected to Kafka');
  return { bus, topics, prefix, codec };
}

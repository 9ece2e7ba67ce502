import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonLines, repoRoot, runCli, type CliResult } from './support/cli.js';
import { ownBrokerEnv, runKafkaScript } from './support/own-broker.js';

/**
 * Runs the CLI against a broker of its own that scripts/kafka.sh starts in TLS mode: the client
 * port is an SSL listener whose certificate a throwaway CA signs. The broker uses free ports and
 * a new state folder, so it never touches the shared broker of the other tests.
 */

const INPUT = join(repoRoot, 'samples/c4-en.jsonl');

describe('Kafka with TLS', () => {
  const prefix = `tls-${Date.now().toString(36)}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'tiers-kafka-tls-'));
  const caFile = join(stateDir, 'tls/ca.pem');
  const scriptEnv: NodeJS.ProcessEnv = {};
  let brokers = '';
  let startOutput = '';

  function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return runCli([...args, '--brokers', brokers, '--prefix', prefix], { timeoutMs: 60_000, env });
  }

  beforeAll(async () => {
    const broker = await ownBrokerEnv(stateDir, { TIERS_KAFKA_TLS: '1' });
    Object.assign(scriptEnv, broker.env);
    brokers = broker.brokers;
    startOutput = runKafkaScript('start', scriptEnv).stderr;
  });

  afterAll(() => {
    try {
      runKafkaScript('stop', scriptEnv);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('logs the CA file path', () => {
    expect(startOutput).toContain(`TLS CA certificate: ${caFile}`);
    expect(existsSync(caFile)).toBe(true);
    expect(readFileSync(caFile, 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
  });

  it('ingests over TLS', async () => {
    const ingest = await run(['ingest', INPUT, '--ssl', '--ssl-ca', caFile]);
    expect(ingest.code, ingest.stderr.slice(-2000)).toBe(0);
    const summary = JSON.parse(ingest.stdout.trim().split('\n').at(-1)!) as { read: number; promoted: number };
    expect(summary.read).toBe(120);
    expect(summary.promoted).toBe(120);
  });

  it('taps l0 over TLS', async () => {
    // --ssl-ca alone turns TLS on, so this run leaves out --ssl.
    const tap = await run(['tap', 'l0', '--from-beginning', '--max', '120', '--idle-exit', '20', '--ssl-ca', caFile]);
    expect(tap.code, tap.stderr.slice(-2000)).toBe(0);

    const rows = parseJsonLines<{ id: string; text: string }>(tap.stdout);
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((row) => row.id)).size).toBe(120);
    const inputTexts = parseJsonLines<{ text: string }>(readFileSync(INPUT, 'utf8')).map((row) => row.text);
    expect(new Set(rows.map((row) => row.text))).toEqual(new Set(inputTexts));
  });

  it('taps with TIERS_KAFKA_SSL', async () => {
    // NODE_EXTRA_CA_CERTS adds the CA to the trust store in place of --ssl-ca.
    const tap = await run(['tap', 'l0', '--from-beginning', '--max', '5', '--idle-exit', '20'], {
      TIERS_KAFKA_SSL: '1',
      NODE_EXTRA_CA_CERTS: caFile,
    });
    expect(tap.code, tap.stderr.slice(-2000)).toBe(0);
    expect(parseJsonLines(tap.stdout)).toHaveLength(5);
  });

  it('rejects an untrusted broker certificate', async () => {
    const started = Date.now();
    const tap = await run(['tap', 'l0', '--max', '1', '--ssl']);
    const elapsedMs = Date.now() - started;

    expect(tap.code).toBe(1);
    expect(tap.stderr).toContain(`TLS connection to Kafka at ${brokers} failed because the broker certificate was rejected (SELF_SIGNED_CERT_IN_CHAIN)`);
    expect(tap.stderr).toContain('--ssl-ca FILE');
    expect(tap.stdout).toBe('');
    // The reachability probe gives up after a few short retries, well before the regular retry policy would.
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it('fails fast without TLS', async () => {
    const started = Date.now();
    const tap = await run(['tap', 'l0', '--max', '1']);
    const elapsedMs = Date.now() - started;

    expect(tap.code).toBe(1);
    expect(tap.stderr).toContain(`cannot connect to Kafka at ${brokers}`);
    expect(tap.stderr).toContain('pass --ssl or --sasl-mechanism');
    expect(tap.stdout).toBe('');
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it('rejects a restart without TLS', () => {
    // The running broker keeps its SSL listener, so the script must not report it as a plain one.
    const result = spawnSync('bash', [join(repoRoot, 'scripts/kafka.sh'), 'start'], {
      cwd: repoRoot,
      env: { ...process.env, ...scriptEnv, TIERS_KAFKA_TLS: '' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('runs in TLS mode, but TIERS_KAFKA_TLS is not 1');
  });
});

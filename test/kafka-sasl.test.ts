import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonLines, repoRoot, runCli, type CliResult } from './support/cli.js';
import { ownBrokerEnv, runKafkaScript } from './support/own-broker.js';

/**
 * Runs the CLI against a broker of its own that scripts/kafka.sh starts in SASL mode: the
 * client port takes SCRAM-SHA-256 and SCRAM-SHA-512 over SASL_PLAINTEXT. The broker uses
 * free ports and a new state folder, so it never touches the shared broker of the other tests.
 */

const USER = 'alice';
// Random per run, so a match in any output can only come from this test's password.
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const WRONG_PASSWORD = `wrong-${randomBytes(8).toString('hex')}`;
const INPUT = join(repoRoot, 'samples/c4-en.jsonl');

describe('Kafka with SASL/SCRAM', () => {
  const prefix = `sasl-${Date.now().toString(36)}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'tiers-kafka-sasl-'));
  const scriptEnv: NodeJS.ProcessEnv = {};
  let brokers = '';

  /** Fails the test when a command's output contains one of the planted passwords. */
  function expectNoPassword(name: string, output: { stdout: string; stderr: string }): void {
    for (const secret of [PASSWORD, WRONG_PASSWORD]) {
      expect(output.stdout.includes(secret), `${name} stdout contains a password`).toBe(false);
      expect(output.stderr.includes(secret), `${name} stderr contains a password`).toBe(false);
    }
  }

  /** Runs scripts/kafka.sh and checks that its output contains no password. */
  function kafkaScript(action: 'start' | 'stop'): void {
    expectNoPassword(`kafka.sh ${action}`, runKafkaScript(action, scriptEnv));
  }

  /** Runs the CLI against the SASL broker and checks that its output contains no password. */
  async function run(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    const result = await runCli([...args, '--brokers', brokers, '--prefix', prefix], { timeoutMs: 60_000, env });
    expectNoPassword(name, result);
    return result;
  }

  beforeAll(async () => {
    const broker = await ownBrokerEnv(stateDir, { TIERS_KAFKA_SASL_USERS: `${USER}:${PASSWORD}` });
    Object.assign(scriptEnv, broker.env);
    brokers = broker.brokers;
    kafkaScript('start');
  });

  afterAll(() => {
    try {
      kafkaScript('stop');
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('ingests with SCRAM-SHA-256', async () => {
    // Trace level includes kafkajs's own debug lines in the output that the leak check reads.
    const ingest = await run('ingest', ['ingest', INPUT, '--sasl-mechanism', 'scram-sha-256', '--sasl-username', USER], {
      TIERS_KAFKA_PASSWORD: PASSWORD,
      TIERS_LOG_LEVEL: 'trace',
    });
    expect(ingest.code, ingest.stderr.slice(-2000)).toBe(0);
    const summary = JSON.parse(ingest.stdout.trim().split('\n').at(-1)!) as { read: number; promoted: number };
    expect(summary.read).toBe(120);
    expect(summary.promoted).toBe(120);
  });

  it('taps l0 with SCRAM-SHA-512', async () => {
    const tap = await run('tap', ['tap', 'l0', '--from-beginning', '--max', '120', '--idle-exit', '20', '--sasl-mechanism', 'scram-sha-512', '--sasl-username', USER], {
      TIERS_KAFKA_PASSWORD: PASSWORD,
      TIERS_LOG_LEVEL: 'debug',
    });
    expect(tap.code, tap.stderr.slice(-2000)).toBe(0);

    const rows = parseJsonLines<{ id: string; text: string }>(tap.stdout);
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((row) => row.id)).size).toBe(120);
    const inputTexts = parseJsonLines<{ text: string }>(readFileSync(INPUT, 'utf8')).map((row) => row.text);
    expect(new Set(rows.map((row) => row.text))).toEqual(new Set(inputTexts));
  });

  it('reads the password from --sasl-password-file', async () => {
    const passwordFile = join(stateDir, 'password.txt');
    writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    const tap = await run('tap with password file', [
      'tap', 'l0', '--from-beginning', '--max', '5', '--idle-exit', '20',
      '--sasl-mechanism', 'scram-sha-256', '--sasl-username', USER, '--sasl-password-file', passwordFile,
    ]);
    expect(tap.code, tap.stderr.slice(-2000)).toBe(0);
    expect(parseJsonLines(tap.stdout)).toHaveLength(5);
  });

  it('fails fast on a wrong password', async () => {
    const started = Date.now();
    const tap = await run('tap with wrong password', ['tap', 'l0', '--max', '1', '--sasl-mechanism', 'scram-sha-256', '--sasl-username', USER], {
      TIERS_KAFKA_PASSWORD: WRONG_PASSWORD,
      TIERS_LOG_LEVEL: 'trace',
    });
    const elapsedMs = Date.now() - started;

    expect(tap.code).toBe(1);
    expect(tap.stderr).toContain(`authentication failed for user "${USER}" with mechanism SCRAM-SHA-256 at ${brokers}`);
    expect(tap.stderr).toContain('TIERS_KAFKA_PASSWORD or --sasl-password-file');
    expect(tap.stdout).toBe('');
    // The fast-fail probe gives up after one rejected login, well before the regular retries.
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it('fails fast without credentials', async () => {
    const tap = await run('tap without SASL', ['tap', 'l0', '--max', '1']);
    expect(tap.code).toBe(1);
    expect(tap.stderr).toContain(`cannot connect to Kafka at ${brokers}`);
    expect(tap.stderr).toContain('pass --ssl or --sasl-mechanism');
  });

  it.each([
    { args: ['--sasl-mechanism', 'scram-sha-512'], message: '--sasl-mechanism scram-sha-512 needs a user name' },
    { args: ['--sasl-mechanism', 'gssapi', '--sasl-username', USER], message: 'invalid --sasl-mechanism "gssapi"' },
    { args: ['--sasl-username', USER], message: 'a SASL user name is set but no mechanism' },
    { args: ['--sasl-mechanism', 'scram-sha-256', '--sasl-username', USER, '--sasl-password-file', '/nonexistent/password'], message: 'cannot read --sasl-password-file file "/nonexistent/password"' },
    { args: ['--ssl-ca', '/nonexistent/ca.pem'], message: 'cannot read --ssl-ca file "/nonexistent/ca.pem"' },
    { args: ['--ssl-cert', INPUT], message: '--ssl-cert needs --ssl-key' },
  ])('rejects invalid options $args', async ({ args, message }) => {
    const tap = await run(`tap ${args.join(' ')}`, ['tap', 'l0', '--max', '1', ...args], { TIERS_KAFKA_PASSWORD: PASSWORD });
    expect(tap.code).toBe(2);
    expect(tap.stderr).toContain(message);
  });

  it('leaves no password in the broker files', () => {
    // The SCRAM credentials are stored salted and hashed, and the format command's arguments are not logged.
    const found = spawnSync('grep', ['-rlF', '--', PASSWORD, stateDir], { encoding: 'utf8' });
    expect(found.stdout.split('\n').filter((path) => path.length > 0 && !path.endsWith('password.txt'))).toEqual([]);
  });
});

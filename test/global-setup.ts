import { spawnSync } from 'node:child_process';
import { Socket } from 'node:net';
import { resolve } from 'node:path';

/**
 * Starts the local Kafka broker for the integration tests when no broker accepts connections
 * on the configured address, and stops it afterwards only if this setup started it.
 */

const repoRoot = resolve(import.meta.dirname, '..');

function firstBroker(): { host: string; port: number } {
  const [host, port] = (process.env.TIERS_BROKERS ?? '127.0.0.1:9092').split(',')[0]!.trim().split(':');
  return { host: host!, port: Number(port) };
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = new Socket();
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

function kafkaScript(action: 'start' | 'stop'): void {
  const result = spawnSync('bash', [resolve(repoRoot, 'scripts/kafka.sh'), action], { stdio: 'inherit', cwd: repoRoot });
  if (result.status !== 0) throw new Error(`scripts/kafka.sh ${action} failed with exit code ${result.status}`);
}

export default async function setup(): Promise<() => void> {
  const { host, port } = firstBroker();
  if (await reachable(host, port)) return () => {};
  kafkaScript('start');
  return () => kafkaScript('stop');
}

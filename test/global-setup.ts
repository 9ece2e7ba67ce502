import { spawnSync } from 'node:child_process';
import { Socket } from 'node:net';
import { resolve } from 'node:path';

/**
 * Starts the local Kafka broker and the local LLM server for the integration tests when
 * nothing accepts connections on their configured addresses, and stops afterwards only
 * what this setup started.
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

function runScript(script: 'kafka' | 'llm', action: 'start' | 'stop'): void {
  const result = spawnSync('bash', [resolve(repoRoot, `scripts/${script}.sh`), action], { stdio: 'inherit', cwd: repoRoot });
  if (result.status !== 0) throw new Error(`scripts/${script}.sh ${action} failed with exit code ${result.status}`);
}

/** Host and port of TIERS_LLM_URL, else of the local server scripts/llm.sh runs. */
function llmAddress(): { host: string; port: number } {
  const url = new URL(process.env.TIERS_LLM_URL ?? 'http://127.0.0.1:8080/v1');
  return { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}

export default async function setup(): Promise<() => void> {
  const stops: Array<() => void> = [];
  const broker = firstBroker();
  if (!(await reachable(broker.host, broker.port))) {
    runScript('kafka', 'start');
    stops.push(() => runScript('kafka', 'stop'));
  }
  const llm = llmAddress();
  if (!process.env.TIERS_LLM_URL && !(await reachable(llm.host, llm.port))) {
    runScript('llm', 'start');
    stops.push(() => runScript('llm', 'stop'));
  }
  return () => {
    for (const stop of stops.reverse()) stop();
  };
}

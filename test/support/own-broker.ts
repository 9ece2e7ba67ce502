import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './cli.js';
import { freePort } from './prometheus.js';

/** Output of one scripts/kafka.sh run. */
export interface KafkaScriptOutput {
  stdout: string;
  stderr: string;
}

/** Runs `scripts/kafka.sh start|stop` with `env` on top of this process's environment; throws when it fails. */
export function runKafkaScript(action: 'start' | 'stop', env: NodeJS.ProcessEnv): KafkaScriptOutput {
  const result = spawnSync('bash', [join(repoRoot, 'scripts/kafka.sh'), action], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`scripts/kafka.sh ${action} exited with ${result.status}: ${result.stderr}${result.stdout}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

/**
 * Picks free ports for a broker of a test's own in `dir`, so it never touches the shared
 * broker of the other tests. Returns the kafka.sh environment and the client address.
 */
export async function ownBrokerEnv(dir: string, extra: NodeJS.ProcessEnv = {}): Promise<{ env: NodeJS.ProcessEnv; brokers: string }> {
  const [port, controllerPort, internalPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    TIERS_KAFKA_PORT: String(port),
    TIERS_KAFKA_CONTROLLER_PORT: String(controllerPort),
    TIERS_KAFKA_INTERNAL_PORT: String(internalPort),
    TIERS_KAFKA_DIR: dir,
    TIERS_KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
    ...extra,
  };
  return { env, brokers: `127.0.0.1:${port}` };
}

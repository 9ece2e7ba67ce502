import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

export const registryPort = Number(process.env.TIERS_REGISTRY_PORT ?? 8081);
/** Confluent-compatible API of the Apicurio Registry that scripts/registry.sh runs. */
export const registryUrl = `http://127.0.0.1:${registryPort}/apis/ccompat/v7`;
export const pythonBin = join(repoRoot, '.cache/python-venv/bin/python');

async function registryResponds(): Promise<boolean> {
  try {
    return (await fetch(`${registryUrl}/subjects`, { signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

function registryScript(action: 'install' | 'start' | 'stop'): void {
  const result = spawnSync('bash', [join(repoRoot, 'scripts/registry.sh'), action], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
    timeout: 600_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `scripts/registry.sh ${action} failed (exit ${result.status}), so the schema registry tests cannot run. ` +
        `It needs Maven, Java 21 or newer, Python 3 with venv and a broker on ${process.env.TIERS_BROKERS ?? '127.0.0.1:9092'}.\n` +
        (result.stderr ?? '').slice(-4000),
    );
  }
}

/**
 * Installs Apicurio and the Python venv when missing, and starts the registry unless one
 * already responds. Returns a function that stops the registry only if this call started it.
 */
export async function ensureRegistry(): Promise<() => void> {
  registryScript('install');
  if (await registryResponds()) return () => {};
  registryScript('start');
  return () => registryScript('stop');
}

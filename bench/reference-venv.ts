import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The Python venv that benchmarks run their reference tools in. It holds benchmark-only
 * packages from PyPI and is never a runtime dependency of tiers.
 */
export const referenceVenvDir = join(resolve(import.meta.dirname, '../..'), '.cache/bench-venv');
export const referencePython = join(referenceVenvDir, 'bin/python');

/**
 * Creates the reference venv on the first run and installs `packages` (pinned specifiers).
 * Returns false, with the cause on stderr, when that fails, so a benchmark can still report
 * tiers' own figures.
 */
export function ensureReferenceVenv(packages: readonly string[]): boolean {
  const python = process.env.TIERS_PYTHON ?? 'python3';
  if (!existsSync(referencePython)) {
    const created = spawnSync(python, ['-m', 'venv', referenceVenvDir], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (created.status !== 0) {
      console.error(`reference skipped: ${python} -m venv ${referenceVenvDir} failed`);
      return false;
    }
  }
  const installed = spawnSync(referencePython, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...packages], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (installed.status !== 0) {
    console.error(`reference skipped: pip install ${packages.join(' ')} failed in ${referenceVenvDir}`);
    return false;
  }
  return true;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const sharedData = resolve(repoRoot, '../shared/data');
const cliPath = join(repoRoot, 'dist/src/cli/index.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface CliOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Written to the command's standard input, which is then closed; without it stdin is empty. */
  input?: string;
}

/** Runs the built `tiers` CLI to completion. `npm test` builds dist/ first. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: repoRoot,
      env: { ...process.env, TIERS_LOG_LEVEL: 'warn', ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`tiers ${args.join(' ')} timed out; stderr: ${stderr.slice(-2000)}`));
    }, options.timeoutMs ?? 240_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** Runs the built `tiers` CLI with `input` written to its standard input. */
export function runCliWithInput(args: string[], input: string, options: Omit<CliOptions, 'input'> = {}): Promise<CliResult> {
  return runCli(args, { timeoutMs: 120_000, ...options, input });
}

/** Starts a long-running CLI command (such as `up`) and returns the child process. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess & { stderrText: () => string } {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, TIERS_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return Object.assign(child, { stderrText: () => stderr });
}

/** Lists every JSON-lines and WET file under a directory, sorted. */
export function dataFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(jsonl|jsonl\.gz|jsonl\.zst|wet\.gz|wet)$/.test(name)) files.push(path);
    }
  };
  walk(dir);
  return files;
}

export function parseJsonLines<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as T);
}


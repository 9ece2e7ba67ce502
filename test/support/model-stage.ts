import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeTierRecord } from '../../src/codec/avro.js';
import { runCli, sharedData, startCli } from './cli.js';
import { readCommitted, waitForGroupCaughtUp } from './kafka.js';

/**
 * Prepares a test of a model-driven stage on the shared broker: ingests the first `documents`
 * C4 pages under `prefix`, runs the filter stage until L1 is complete and writes `config` to a
 * file in `dir`. Returns the L1 ids and the config file's path.
 */
export async function prepareModelStage(prefix: string, dir: string, documents: number, config: unknown): Promise<{ l1: string[]; configPath: string }> {
  const lines = (await readFile(join(sharedData, 'web_en/c4_demo.jsonl'), 'utf8')).split('\n').filter(Boolean);
  const input = join(dir, 'pages.jsonl');
  await writeFile(input, `${lines.slice(0, documents).join('\n')}\n`);
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config));

  const ingest = await runCli(['ingest', input, '--prefix', prefix]);
  if (ingest.code !== 0) throw new Error(`tiers ingest exited with ${ingest.code}: ${ingest.stderr.slice(-2000)}`);
  const filter = startCli(['up', '--prefix', prefix, '--stage', 'filter', '--metrics-port', '0']);
  try {
    await waitForGroupCaughtUp(`${prefix}.filter`, `${prefix}.l0`, 120_000);
  } finally {
    filter.kill('SIGTERM');
  }
  const l1 = (await readCommitted(`${prefix}.l1`, 60_000)).map((m) => decodeTierRecord(m.value).id);
  return { l1, configPath };
}

import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TierRecord } from '../src/core/record.js';
import type { RunReport } from '../src/runtime/embedded-run.js';
import { parseJsonLines, runCli, sharedData } from './support/cli.js';
import { llmModel, llmUrl } from './support/llm.js';
import { freePort } from './support/prometheus.js';

/** Five real C4 pages, small enough that every model stage runs in a minute or two. */
async function sampleInput(dir: string): Promise<string> {
  const lines = (await readFile(join(sharedData, 'web_en/c4_demo.jsonl'), 'utf8')).split('\n').filter(Boolean);
  const path = join(dir, 'sample.jsonl');
  await writeFile(path, lines.slice(0, 5).join('\n') + '\n');
  return path;
}

/** Settings that keep prompts short and send every L1 record on to L2, so each stage has input. */
const CONFIG = {
  llm: { cacheDir: null, timeoutSeconds: 300 },
  operators: {
    'llm-scorer': { threshold: 0, maxInputChars: 1200 },
    'llm-editor': { maxInputChars: 1200, maxTokens: 256 },
    'llm-synthesizer': { tasks: ['qa'], itemsPerDocument: 2, maxInputChars: 1200, maxTokens: 384 },
    verifier: { maxTokens: 64 },
  },
};

/** A key the local server ignores; it must not appear in any output of the run. */
const PLANTED_KEY = 'sk-planted-4b1d0c9e72aa';

async function runTiers(extra: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'tiers-llm-run-'));
  const input = await sampleInput(dir);
  const configPath = join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(CONFIG));
  const out = join(dir, 'out');
  const result = await runCli(['run', input, '--out', out, '--config', configPath, ...extra], {
    timeoutMs: 1_200_000,
    // Only --llm-url may configure an endpoint here, whatever the environment says.
    env: { TIERS_LLM_URL: '', TIERS_LLM_API_KEY: PLANTED_KEY, TIERS_LOG_LEVEL: 'debug' },
  });
  const read = async (role: string) => parseJsonLines(await readFile(join(out, `${role}.jsonl`), 'utf8')) as unknown as TierRecord[];
  const report = existsSync(join(out, 'report.json')) ? (JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as RunReport) : undefined;
  const files = existsSync(out) ? await Promise.all(readdirSync(out).map((name) => readFile(join(out, name), 'utf8'))) : [];
  return { result, out, read, report, everything: [result.stdout, result.stderr, ...files].join('\n') };
}

describe('tiers run with a model endpoint', () => {
  it('runs L0 to L4 against the local server with balanced counts and full lineage', async () => {
    const { result, read, report, everything } = await runTiers(['--llm-url', llmUrl, '--llm-model', llmModel]);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    // Debug logs, stdout, every tier file and report.json together never contain the key.
    expect(everything.length).toBeGreaterThan(1000);
    expect(everything).not.toContain(PLANTED_KEY);
    expect(report!.conservation.errors).toEqual([]);
    expect(report!.skippedStages).toEqual([]);
    expect(report!.stages.map((s) => s.stage)).toEqual(['filter', 'select', 'refine', 'verify']);

    const [l1, l2, l3, l4] = [await read('l1'), await read('l2'), await read('l3'), await read('l4')];
    const [filter, select, refine, verify] = report!.stages;
    expect(l1.length).toBeGreaterThan(0);
    expect(select!.consumed).toBe(l1.length);
    expect(refine!.consumed).toBe(l2.length);
    expect(verify!.consumed).toBe(l3.length);
    expect(filter!.promoted).toBe(l1.length);
    expect(l4.length).toBe(verify!.promoted);

    // With threshold 0 every validly scored record reaches L2, each with its score and rubric.
    for (const record of l2) {
      const score = record.signals.llm_score!;
      expect(Number.isInteger(score), `score ${score}`).toBe(true);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(5);
      const entry = record.lineage.find((e) => e.operator === 'llm-scorer')!;
      expect(entry.details?.prompt).toBe('score-web-en/1');
      expect(entry.details?.model).toBeTruthy();
    }

    // L3 contains edited L2 documents under their own ids and synthesized records naming an L2 parent.
    const l2Ids = new Set(l2.map((r) => r.id));
    for (const record of l3) {
      const last = record.lineage.at(-1)!;
      if (last.action === 'emit') {
        expect(l2Ids.has(last.parentId!)).toBe(true);
        expect(last.details?.task).toBe('qa');
      } else {
        expect(l2Ids.has(record.id)).toBe(true);
        expect(record.lineage.some((e) => e.operator === 'llm-editor')).toBe(true);
      }
    }

    // Only verified synthesized items reach L4; every other L3 record was rejected by the verifier.
    for (const record of l4) {
      expect(record.signals.verified).toBe(1);
      expect(record.meta.synthesis).toBeTruthy();
    }
    const rejected = await read('rejected');
    const verifierRejections = rejected.filter((r) => (r as unknown as { operator: string }).operator === 'verifier');
    expect(verifierRejections.length + l4.length).toBe(l3.length);

    const usage = report!.llm!;
    expect(usage.model).toBe(llmModel);
    expect(usage.operators['llm-scorer']!.requests).toBeGreaterThanOrEqual(l1.length);
    expect(usage.promptTokens).toBeGreaterThan(0);
    expect(usage.costUsd).toBe(0);
  });

  it('stops after L1 without an endpoint and says how to enable each skipped stage', async () => {
    const { result, out, report } = await runTiers([]);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    expect(report!.skippedStages.map((s) => s.stage)).toEqual(['select', 'refine', 'verify']);
    expect(result.stderr).toContain('tiers: stage select skipped: llm-scorer needs an LLM endpoint: pass --llm-url or set TIERS_LLM_URL');
    expect(existsSync(join(out, 'l1.jsonl'))).toBe(true);
    expect(existsSync(join(out, 'l2.jsonl'))).toBe(false);
    expect(report!.llm).toBeNull();
  });

  it('fails at start with exit status 2 when nothing answers at the URL', async () => {
    const port = await freePort();
    const { result } = await runTiers(['--llm-url', `http://127.0.0.1:${port}/v1`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`LLM endpoint http://127.0.0.1:${port}/v1 did not answer GET /models`);
  });
});

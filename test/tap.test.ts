import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parseJsonLines, runCli, sharedData } from './support/cli.js';
import { deleteTopics, topicSize, uniquePrefix } from './support/kafka.js';

describe('tiers tap', () => {
  const prefix = uniquePrefix('tap');
  afterAll(() => deleteTopics(prefix));

  it('resumes a group right after the last printed record', async () => {
    const ingest = await runCli(['ingest', join(sharedData, 'web_en/c4_demo.jsonl'), '--prefix', prefix]);
    expect(ingest.code, ingest.stderr.slice(-2000)).toBe(0);
    const total = await topicSize(`${prefix}.l0`);
    expect(total).toBe(300);

    const ids: string[] = [];
    for (let slice = 0; slice < 3; slice++) {
      const tap = await runCli(['tap', 'l0', '--prefix', prefix, '--group', `${prefix}.loader`, '--from-beginning', '--max', '7', '--idle-exit', '20']);
      expect(tap.code, tap.stderr.slice(-2000)).toBe(0);
      const rows = parseJsonLines<{ id: string }>(tap.stdout);
      expect(rows).toHaveLength(7);
      ids.push(...rows.map((r) => r.id));
    }
    const rest = await runCli(['tap', 'l0', '--prefix', prefix, '--group', `${prefix}.loader`, '--idle-exit', '5']);
    ids.push(...parseJsonLines<{ id: string }>(rest.stdout).map((r) => r.id));

    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(300);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DEFAULT_METRICS_PREFIX, METRIC } from '../src/metrics/names.js';
import { repoRoot } from './support/cli.js';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const RULES = 'deploy/prometheus/rules/tiers.rules.yml';
const RULE_TESTS = 'deploy/prometheus/rules/tiers.rules.test.yml';
const PROMETHEUS_CONFIG = 'deploy/prometheus/prometheus.yml';
const DASHBOARD = 'deploy/grafana/dashboards/tiers.json';

/** Metrics of the LLM operators, which the dashboard shows before any operator exports them. */

/** Label names of the engine metrics, as src/metrics/names.ts documents them. */
const ENGINE_LABELS: Record<string, string[]> = {
  [METRIC.recordsConsumed]: ['stage', 'operator', 'tier'],
  [METRIC.recordsPromoted]: ['stage', 'operator', 'tier'],
  [METRIC.recordsRejected]: ['stage', 'operator', 'tier', 'rule'],
  [METRIC.recordsEmitted]: ['stage', 'operator', 'tier'],
  [METRIC.dlqRecords]: ['stage'],
  [METRIC.processedBytes]: ['stage'],
  [METRIC.batchDuration]: ['stage'],
  [METRIC.consumerLag]: ['stage', 'topic', 'partition'],
  [METRIC.ingestRecords]: ['outcome'],
  [METRIC.ingestBytes]: [],
  [METRIC.llmRequests]: ['operator', 'model', 'outcome'],
  [METRIC.llmErrors]: ['operator', 'kind'],
  [METRIC.llmCircuitOpen]: [],
  [METRIC.llmTokens]: ['operator', 'model', 'kind'],
  [METRIC.llmRequestDuration]: ['operator', 'model'],
};

const HISTOGRAMS = new Set<string>([METRIC.batchDuration, METRIC.llmRequestDuration]);

/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ['job', 'instance'];

type MetricKind = 'counter' | 'gauge' | 'histogram' | 'summary';

/** Runs promtool. Throws with an install hint when promtool is missing, so tests fail instead of skipping. */
function promtool(args: string[], cwd = repoRoot): { status: number; output: string } {
  const result = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? `promtool not found (looked for "${PROMTOOL}"): install it (Debian and Ubuntu: apt-get install prometheus) or set PROMTOOL to its path`
        : `promtool ${args.join(' ')} failed to run: ${result.error.message}`,
    );
  }
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

interface AlertRule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RecordingRule {
  record: string;
  expr: string;
}
type Rule = AlertRule | RecordingRule;

function readRules(): Rule[] {
  const file = parse(readFileSync(join(repoRoot, RULES), 'utf8')) as { groups: { rules: Rule[] }[] };
  return file.groups.flatMap((group) => group.rules);
}

const alerts = readRules().filter((rule): rule is AlertRule => 'alert' in rule);
const recordingRules = readRules().filter((rule): rule is RecordingRule => 'record' in rule);

/** Collects the metric names a panel or rule may use, with their label names and histogram series. */
async function knownMetrics(): Promise<Map<string, string[]>> {
  const known = new Map<string, string[]>();
  const addMetric = (name: string, type: MetricKind, labels: string[]) => {
    known.set(name, labels);
    if (type === 'histogram') {
      known.set(`${name}_bucket`, [...labels, 'le']);
      known.set(`${name}_sum`, labels);
      known.set(`${name}_count`, labels);
    }
  };

  for (const [name, labels] of Object.entries(ENGINE_LABELS)) {
    addMetric(name, HISTOGRAMS.has(name) ? 'histogram' : 'counter', labels);
  }

  // The default metrics prom-client exports with the engine's prefix, read from prom-client itself.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: DEFAULT_METRICS_PREFIX });
  for (const metric of await registry.getMetricsAsJSON()) {
    const labels = [...new Set(metric.values.flatMap((value) => Object.keys(value.labels)))];
    addMetric(metric.name, String(metric.type) as MetricKind, labels);
  }
  known.set('up', []);
  return known;
}

const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

interface MetricUse {
  name: string;
  /** Label names in the selector's braces. */
  labels: string[];
}

/**
 * Lists the metric selectors in a PromQL expression. Strings, Grafana variables, range and
 * offset durations and grouping clauses are removed first. Of the identifiers left, those
 * followed by `(` are functions and the others are metric names.
 */
function metricUses(expr: string): MetricUse[] {
  const uses: MetricUse[] = [];
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\$\{?\w+\}?/g, '1')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\boffset\s+-?\w+/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  // The lookbehind skips the letters of numbers such as 1e9. A selector's braces are consumed
  // with its name, so label names are never read as metrics.
  const selector = /(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?(\s*\()?/g;
  for (const match of text.matchAll(selector)) {
    const [, name, braces, call] = match;
    if (call || PROMQL_KEYWORDS.has(name!)) continue;
    const labels = [...(braces ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((m) => m[1]!);
    uses.push({ name: name!, labels });
  }
  return uses;
}

/** Replaces Grafana variables with values Prometheus accepts, so the expression can be parsed. */
function withGrafanaValues(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__range', '1h')
    .replaceAll('$price_per_1k_tokens', '0.0005')
    .replace(/\$\{?\w+\}?/g, '.*');
}

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}

const dashboard = JSON.parse(readFileSync(join(repoRoot, DASHBOARD), 'utf8')) as {
  uid: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown }[] };
};
const queryPanels = dashboard.panels.filter((panel) => panel.type !== 'row');
const panelExpressions = queryPanels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));

describe('Prometheus rules and config (promtool)', () => {
  it('validates the rule file', () => {
    const result = promtool(['check', 'rules', RULES]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  });

  it('validates the Prometheus config', () => {
    const result = promtool(['check', 'config', PROMETHEUS_CONFIG]);
    expect(result.status, result.output).toBe(0);
  });

  it('passes the alert unit tests', () => {
    const result = promtool(['test', 'rules', RULE_TESTS]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status, result.output).toBe(0);
  });

  it('tests every alert firing and silent', () => {
    const file = parse(readFileSync(join(repoRoot, RULE_TESTS), 'utf8')) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
    };
    const cases = file.tests.flatMap((test) => test.alert_rule_test ?? []);
    for (const { alert } of alerts) {
      const forAlert = cases.filter((testCase) => testCase.alertname === alert);
      expect(forAlert.some((testCase) => (testCase.exp_alerts ?? []).length > 0), `${alert} fires`).toBe(true);
      expect(forAlert.some((testCase) => (testCase.exp_alerts ?? []).length === 0), `${alert} stays silent`).toBe(true);
    }
  });

  it('labels and annotates every alert', () => {
    expect(alerts.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining(['TiersOperatorDown', 'TiersConsumerLagGrowing', 'TiersRejectionRatioSpike', 'TiersDlqRecords']),
    );
    for (const rule of alerts) {
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
    }
  });

  it('uses only exported metrics in rules', async () => {
    const known = await knownMetrics();
    const recorded = new Set(recordingRules.map((rule) => rule.record));
    for (const rule of readRules()) {
      for (const use of metricUses(rule.expr)) {
        expect(known.has(use.name) || recorded.has(use.name), `${use.name} in ${rule.expr}`).toBe(true);
      }
    }
  });
});

describe('Grafana dashboard', () => {
  it('finds metric selectors in PromQL', () => {
    const expr = 'sum by (a) (rate(foo{x="a }b", y=~"$stage"}[5m])) / on (a) group_left bar > 1e9 and baz offset 5m';
    expect(metricUses(expr)).toEqual([
      { name: 'foo', labels: ['x', 'y'] },
      { name: 'bar', labels: [] },
      { name: 'baz', labels: [] },
    ]);
  });

  it('has schema version 39 and unique ids', () => {
    expect(dashboard.uid).toBe('tiers-overview');
    expect(dashboard.schemaVersion).toBe(39);
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(queryPanels.length).toBeGreaterThan(10);
  });

  it('has the datasource, stage, operator and price variables', () => {
    const variables = Object.fromEntries(dashboard.templating.list.map((variable) => [variable.name, variable]));
    expect(variables.datasource?.type).toBe('datasource');
    expect(variables.datasource?.query).toBe('prometheus');
    expect(variables.stage?.type).toBe('query');
    expect(variables.operator?.type).toBe('query');
    expect(Number(variables.price_per_1k_tokens?.query)).toBeGreaterThan(0);
  });

  it('queries the datasource variable in every panel', () => {
    for (const panel of queryPanels) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      for (const target of panel.targets ?? []) expect(target.datasource?.uid, panel.title).toBe('${datasource}');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it('knows the labels of every engine metric', () => {
    for (const name of Object.values(METRIC)) expect(Object.keys(ENGINE_LABELS), name).toContain(name);
  });

  it('uses only exported metrics and their labels', async () => {
    const known = await knownMetrics();
    for (const { panel, expr } of panelExpressions) {
      const uses = metricUses(expr);
      expect(uses.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      for (const use of uses) {
        expect(known.has(use.name), `${panel}: unknown metric ${use.name}`).toBe(true);
        const allowed = [...(known.get(use.name) ?? []), ...TARGET_LABELS];
        for (const label of use.labels) expect(allowed, `${panel}: label ${label} on ${use.name}`).toContain(label);
      }
    }
  });

  it('covers every documented area', () => {
    const expressions = panelExpressions.map(({ expr }) => expr).join('\n');
    const metrics = [
      METRIC.recordsConsumed,
      METRIC.recordsPromoted,
      METRIC.recordsRejected,
      METRIC.dlqRecords,
      METRIC.consumerLag,
      `${METRIC.batchDuration}_bucket`,
      'tiers_process_cpu_seconds_total',
      'tiers_process_resident_memory_bytes',
      METRIC.llmRequests,
      METRIC.llmTokens,
      `${METRIC.llmRequestDuration}_bucket`,
    ];
    for (const metric of metrics) expect(expressions, metric).toContain(metric);
    expect(expressions).toContain('$price_per_1k_tokens');
  });

  describe('expressions parse as PromQL', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'tiers-dashboard-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('passes promtool check rules', () => {
      // promtool parses expressions only inside rule files, so each becomes a recording rule.
      const rules = panelExpressions.map(({ expr }, i) => ({ record: `dashboard:expr_${i}`, expr: withGrafanaValues(expr) }));
      const file = join(dir, 'dashboard.rules.yml');
      writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
      const result = promtool(['check', 'rules', file]);
      expect(result.status, result.output).toBe(0);
    });
  });
});

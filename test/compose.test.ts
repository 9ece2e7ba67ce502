import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from './support/cli.js';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  volumes?: string[];
  expose?: string[];
  ports?: string[];
}

interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/** Services that run once and exit (`docker compose run --rm`), so a health check makes no sense. */
const ONE_SHOT_PROFILE = 'tools';

/**
 * Bind-mount sources that users fill with their own files. Docker creates a missing source
 * directory of a short-syntax bind mount, so they need not exist in the repository.
 */
const USER_DIRECTORIES = new Set(['./data', './models']);

function readRepoFile(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}

/** Splits a short-syntax volume entry `SOURCE:TARGET[:MODE]`. */
function parseVolume(entry: string): { source: string; target: string } {
  const [source, target] = entry.split(':');
  return { source: source!, target: target! };
}

/** Maps a path inside a container to the repository file that a bind mount puts there, if any. */
function repoPathOf(service: Service, containerPath: string): string | undefined {
  for (const entry of service.volumes ?? []) {
    const { source, target } = parseVolume(entry);
    if (!source.startsWith('./')) continue;
    if (containerPath === target || containerPath.startsWith(`${target}/`)) {
      return posix.join(source, posix.relative(target, containerPath));
    }
  }
  return undefined;
}

/** Text of every TypeScript file under src/cli, to check that compose uses options that exist. */
function cliSource(): string {
  const dir = join(repoRoot, 'src/cli');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
}

// No Docker engine or compose plugin runs in CI, so the file is checked by parsing it.
describe('docker-compose.yml', () => {
  const compose = parse(readRepoFile('docker-compose.yml'), { merge: true }) as Compose;
  const services = compose.services;

  it('runs Kafka in KRaft mode without ZooKeeper', () => {
    const kafka = services.kafka!;
    expect(kafka.image).toMatch(/^apache\/kafka:4\./);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(Object.keys(services).some((name) => name.includes('zookeeper'))).toBe(false);
  });

  it('defines the stack services', () => {
    const names = Object.keys(services);
    for (const name of ['kafka', 'schema-registry', 'tiers-up', 'tiers-ingest', 'tiers-tap', 'prometheus', 'grafana', 'llm']) {
      expect(names, name).toContain(name);
    }
  });

  it('gives every long-running service a health check', () => {
    const longRunning = Object.entries(services).filter(([, service]) => !service.profiles?.includes(ONE_SHOT_PROFILE));
    expect(longRunning.map(([name]) => name)).toEqual(expect.arrayContaining(['kafka', 'tiers-up', 'prometheus', 'grafana', 'llm']));
    for (const [name, service] of longRunning) {
      const test = service.healthcheck?.test ?? [];
      expect(test.length, name).toBeGreaterThan(1);
      expect(['CMD', 'CMD-SHELL'], name).toContain(test[0]);
      expect(service.healthcheck?.interval, name).toMatch(/^\d+s$/);
      expect(service.healthcheck?.retries, name).toBeGreaterThan(0);
    }
  });

  it('points the operators at the broker service and builds them from the repo', () => {
    for (const name of ['tiers-up', 'tiers-ingest', 'tiers-tap']) {
      const service = services[name]!;
      expect(service.build, name).toBe('.');
      expect(service.environment?.TIERS_BROKERS, name).toBe('kafka:9092');
      expect(service.depends_on?.kafka?.condition, name).toBe('service_healthy');
    }
  });

  it('uses CLI commands that exist', () => {
    const cli = readRepoFile('src/cli/index.ts');
    for (const command of ['up', 'ingest', 'tap']) expect(cli).toContain(`${command}Command()`);
    expect(services['tiers-up']!.command?.[0]).toBe('up');
  });

  it('serves operator metrics on 9464 on all interfaces', () => {
    const up = services['tiers-up']!;
    const command = up.command ?? [];
    expect(command[command.indexOf('--metrics-port') + 1]).toBe('9464');
    expect(command[command.indexOf('--metrics-host') + 1]).toBe('0.0.0.0');
    expect(up.expose).toContain('9464');
    const options = command.filter((arg) => arg.startsWith('--'));
    const source = cliSource();
    for (const option of options) expect(source, option).toContain(`'${option} <`);
  });

  it('checks operator health with node', () => {
    // The tiers image is node:22-bookworm-slim, which has no curl or wget.
    const test = services['tiers-up']!.healthcheck!.test.join(' ');
    expect(test).toContain('node');
    expect(test).toContain('http://127.0.0.1:9464/healthz');
  });

  it('runs a Confluent-compatible schema registry on the broker', () => {
    const registry = services['schema-registry']!;
    expect(registry.image).toMatch(/^confluentinc\/cp-schema-registry:\d/);
    expect(registry.environment?.SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS).toBe('PLAINTEXT://kafka:9092');
    expect(registry.environment?.SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR).toBe(1);
    expect(registry.depends_on?.kafka?.condition).toBe('service_healthy');
    expect(registry.healthcheck!.test.join(' ')).toContain(':8081/');
  });

  it('loads Prometheus config from deploy/prometheus', () => {
    const prometheus = services.prometheus!;
    expect(prometheus.image).toMatch(/^prom\/prometheus:v\d/);
    expect(prometheus.healthcheck!.test.join(' ')).toContain('/-/ready');
    const configFlag = (prometheus.command ?? []).find((arg) => arg.startsWith('--config.file='));
    const configPath = repoPathOf(prometheus, configFlag!.split('=')[1]!);
    expect(configPath).toBe('deploy/prometheus/prometheus.yml');

    const config = parse(readRepoFile(configPath!)) as {
      rule_files: string[];
      scrape_configs: { job_name: string; dns_sd_configs?: { names: string[]; port: number }[] }[];
    };
    for (const ruleFile of config.rule_files) {
      expect(existsSync(join(repoRoot, posix.dirname(configPath!), ruleFile)), ruleFile).toBe(true);
    }
    const job = config.scrape_configs.find((scrape) => scrape.job_name === 'tiers');
    expect(job?.dns_sd_configs?.[0]?.names).toEqual(['tiers-up']);
    expect(job?.dns_sd_configs?.[0]?.port).toBe(9464);
  });

  it('provisions Grafana from deploy/grafana', () => {
    const grafana = services.grafana!;
    expect(grafana.image).toMatch(/^grafana\/grafana:\d/);
    expect(grafana.healthcheck!.test.join(' ')).toContain('/api/health');
    expect(grafana.depends_on?.prometheus?.condition).toBe('service_healthy');

    const provider = parse(readRepoFile('deploy/grafana/provisioning/dashboards/tiers.yml')) as {
      providers: { options: { path: string } }[];
    };
    const dashboardDir = repoPathOf(grafana, provider.providers[0]!.options.path);
    expect(dashboardDir).toBe('deploy/grafana/dashboards');
    expect(existsSync(join(repoRoot, dashboardDir!, 'tiers.json'))).toBe(true);
    expect(repoPathOf(grafana, '/etc/grafana/provisioning/datasources/prometheus.yml')).toBe(
      'deploy/grafana/provisioning/datasources/prometheus.yml',
    );
    const home = repoPathOf(grafana, String(grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH));
    expect(home).toBe('deploy/grafana/dashboards/tiers.json');

    const datasources = parse(readRepoFile('deploy/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { type: string; url: string }[];
    };
    expect(datasources.datasources[0]?.type).toBe('prometheus');
    expect(datasources.datasources[0]?.url).toBe('http://prometheus:9090');
  });

  it('keeps the LLM server optional', () => {
    const llm = services.llm!;
    expect(llm.profiles).toEqual(['llm']);
    expect(llm.image).toMatch(/llama\.cpp:server/);
    expect(llm.healthcheck!.test.join(' ')).toContain(':8080/health');
    expect(llm.volumes?.some((entry) => parseVolume(entry).target === '/models')).toBe(true);
    // Empty unless the user points it at the llm service or a hosted API, so the model stages are skipped by default.
    for (const name of ['tiers-up', 'tiers-ingest', 'tiers-tap']) {
      expect(services[name]!.environment, name).toHaveProperty('TIERS_LLM_URL');
      expect(String(services[name]!.environment?.TIERS_LLM_URL), name).toBe('${TIERS_LLM_URL:-}');
    }
    // The operators must start without the optional profile.
    expect(services['tiers-up']!.depends_on?.llm).toBeUndefined();
  });

  it('mounts repository paths that exist', () => {
    let bindMounts = 0;
    for (const [name, service] of Object.entries(services)) {
      for (const entry of service.volumes ?? []) {
        const { source } = parseVolume(entry);
        if (!source.startsWith('./') || USER_DIRECTORIES.has(source)) continue;
        bindMounts++;
        expect(existsSync(join(repoRoot, source)), `${name}: ${source}`).toBe(true);
        expect(statSync(join(repoRoot, source)).isDirectory(), `${name}: ${source}`).toBe(true);
      }
    }
    expect(bindMounts).toBeGreaterThanOrEqual(3);
  });

  it('declares every named volume and dependency', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const [name, service] of Object.entries(services)) {
      for (const entry of service.volumes ?? []) {
        const { source } = parseVolume(entry);
        if (!source.startsWith('.') && !source.startsWith('/')) expect(declared, `${name}: ${source}`).toContain(source);
      }
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        expect(Object.keys(services), `${name} depends on ${dependency}`).toContain(dependency);
      }
    }
  });

  it('publishes web ports on loopback only', () => {
    for (const name of ['schema-registry', 'prometheus', 'grafana', 'llm']) {
      for (const port of services[name]!.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
  });
});

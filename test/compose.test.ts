import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from './support/cli.js';

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

// No Docker engine or compose plugin runs in CI, so the file is checked by parsing it.
describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
  };

  it('runs Kafka in KRaft mode without ZooKeeper', () => {
    const kafka = compose.services.kafka!;
    expect(kafka.image).toMatch(/^apache\/kafka:4\./);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(Object.keys(compose.services).some((name) => name.includes('zookeeper'))).toBe(false);
  });

  it('gives every long-running service a health check', () => {
    for (const name of ['kafka', 'tiers-up']) {
      expect(compose.services[name]!.healthcheck?.test.length, name).toBeGreaterThan(0);
    }
  });

  it('points the operators at the broker service and builds them from the repo', () => {
    for (const name of ['tiers-up', 'tiers-ingest', 'tiers-tap']) {
      const service = compose.services[name]!;
      expect(service.build, name).toBe('.');
      expect(service.environment?.TIERS_BROKERS, name).toBe('kafka:9092');
      expect(service.depends_on?.kafka?.condition, name).toBe('service_healthy');
    }
  });

  it('uses CLI commands that exist', () => {
    const cli = readFileSync(join(repoRoot, 'src/cli/index.ts'), 'utf8');
    for (const command of ['up', 'ingest', 'tap']) expect(cli).toContain(`${command}Command()`);
    expect(compose.services['tiers-up']!.command).toEqual(['up']);
  });
});

import type { Server } from 'node:http';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { EngineMetrics } from '../metrics/metrics.js';
import { DEFAULT_METRICS_PORT, startMetricsServer } from '../metrics/server.js';
import { port } from './options.js';

export interface MetricsCliOptions {
  /** False when --no-metrics is given. */
  metrics: boolean;
  metricsPort: number;
  metricsHost: string;
}

/** Adds --metrics-port, --metrics-host and --no-metrics. */
export function addMetricsOptions(command: Command, defaultOn: boolean): Command {
  command
    .option('--metrics-port <port>', 'port of the /metrics, /healthz and /readyz server (0 picks a free port)', port('--metrics-port'), DEFAULT_METRICS_PORT)
    .option('--metrics-host <host>', 'address the metrics server listens on (0.0.0.0 for all interfaces)', '127.0.0.1');
  if (defaultOn) return command.option('--no-metrics', 'do not serve metrics');
  return command.option('--metrics', 'serve /metrics, /healthz and /readyz while running', false);
}

/** Starts the metrics server when enabled; returns null otherwise. */
export async function serveMetrics(
  options: MetricsCliOptions,
  metrics: EngineMetrics,
  notReadyReason: () => string | null,
  log: Logger,
): Promise<Server | null> {
  if (!options.metrics) return null;
  return startMetricsServer({ host: options.metricsHost, port: options.metricsPort, registry: metrics.registry, notReadyReason, log });
}

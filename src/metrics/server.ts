import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export const DEFAULT_METRICS_PORT = 9464;

export interface MetricsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  /** Returns a reason the process is not ready yet, or null when it is. */
  notReadyReason: () => string | null;
  log: Logger;
}

/**
 * Serves `/metrics` (Prometheus text format), `/healthz` (the process is alive) and
 * `/readyz` (connected and assigned partitions; 503 with the reason otherwise).
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      options.registry
        .metrics()
        .then((body) => response.writeHead(200, { 'content-type': options.registry.contentType }).end(body))
        .catch((err: unknown) => {
          options.log.error({ err }, 'failed to collect metrics');
          response.writeHead(500).end('failed to collect metrics\n');
        });
      return;
    }
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (path === '/readyz') {
      const reason = options.notReadyReason();
      response.writeHead(reason === null ? 200 : 503, { 'content-type': 'text/plain' }).end(`${reason ?? 'ready'}\n`);
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /healthz or /readyz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  options.log.info({ host: address.address, port: address.port }, 'serving /metrics, /healthz and /readyz');
  return server;
}

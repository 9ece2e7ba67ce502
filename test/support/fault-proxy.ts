import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does with one request instead of forwarding it untouched. */
export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** Forwards the request, then sends only the first half of the upstream body and ends. */
  | { kind: 'truncate' }
  /** Answers 200 with a body that is not JSON. */
  | { kind: 'invalid-json' }
  /** Accepts the request and never answers, so the client's timeout fires. */
  | { kind: 'hang' }
  /** Closes the connection without an HTTP answer. */
  | { kind: 'reset' };

export interface FaultProxy {
  /** Base URL with /v1, to hand to the client. */
  url: string;
  /** Faults applied to the next chat requests, one each, in order; later requests pass through. */
  inject(...faults: Fault[]): void;
  /** Drops the faults not applied yet, so later requests pass through. */
  clear(): void;
  /** Chat completion requests seen, and how many of them reached the real server. */
  readonly counts: { chat: number; forwarded: number };
  close(): Promise<void>;
}

/**
 * Starts an HTTP proxy on 127.0.0.1 in front of the real model server that fails chosen
 * requests the ways endpoints fail in production. Requests other than chat completions always pass.
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const queue: Fault[] = [];
  const counts = { chat: 0, forwarded: 0 };
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, body: Buffer, onResponse: (status: number, headers: Record<string, string>, data: Buffer) => void) => {
    counts.forwarded++;
    const upstreamReq = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => onResponse(res.statusCode ?? 502, { 'content-type': String(res.headers['content-type'] ?? 'application/json') }, Buffer.concat(chunks)));
      },
    );
    upstreamReq.on('error', () => onResponse(502, { 'content-type': 'text/plain' }, Buffer.from('upstream unreachable')));
    upstreamReq.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const isChat = req.method === 'POST' && (req.url ?? '').endsWith('/chat/completions');
    const fault = isChat ? queue.shift() : undefined;
    if (isChat) counts.chat++;
    if (!fault) {
      forward(req, body, (status, headers, data) => res.writeHead(status, headers).end(data));
      return;
    }
    switch (fault.kind) {
      case 'status': {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        res.writeHead(fault.status, headers).end(fault.body ?? JSON.stringify({ error: { message: `injected ${fault.status}` } }));
        return;
      }
      case 'invalid-json':
        res.writeHead(200, { 'content-type': 'application/json' }).end('<html>gateway says hello</html>');
        return;
      case 'truncate':
        forward(req, body, (status, headers, data) => {
          res.writeHead(status, { ...headers, 'content-length': String(data.length) });
          res.write(data.subarray(0, Math.floor(data.length / 2)));
          res.socket?.destroy();
        });
        return;
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`,
    inject: (...faults) => queue.push(...faults),
    clear: () => {
      queue.length = 0;
    },
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createLogger } from '@ttpgrid/config';
import type { Registry } from 'prom-client';

const log = createLogger('telemetry.server');

export interface MetricsServerOptions {
  /** Loopback by default; containers that Prometheus scrapes from outside need `0.0.0.0`. */
  host?: string;
}

export interface MetricsServer {
  /** The bound port (the chosen one when 0 was asked for). */
  port: number;
  url: string;
  close(): Promise<void>;
}

/** The exposition text and its content type, for a framework's own `/metrics` route. */
export async function renderMetrics(registry: Registry) {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * Serves `GET /metrics` from a plain node:http server (the worker has no web framework).
 * Port 0 binds a free port; callers that treat 0 as "off" should not call this.
 */
export async function startMetricsServer(
  port: number,
  registry: Registry,
  options: MetricsServerOptions = {},
): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => void answer(registry, request, response));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const bound = (server.address() as AddressInfo).port;
  log.info('metrics server started', { host, port: bound });
  return {
    port: bound,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
    close: () => closeServer(server),
  };
}

async function answer(registry: Registry, request: IncomingMessage, response: ServerResponse) {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/metrics') {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }

  try {
    const { contentType, body } = await renderMetrics(registry);
    response.writeHead(200, { 'content-type': contentType });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch (error) {
    log.error('metrics collection failed', { error });
    response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics collection failed\n');
  }
}

function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

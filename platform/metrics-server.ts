import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * A Prometheus scrape endpoint for a worker process without an HTTP API of its own
 * (the projector, the subscription service): GET /metrics on 127.0.0.1 only.
 */
export async function serveMetrics(registry: Registry, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"code":"NOT_FOUND","message":"only GET /metrics","path":"url"}');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () =>
        response
          .writeHead(500, { 'content-type': 'application/json' })
          .end('{"code":"INTERNAL","message":"metrics unavailable"}'),
    );
  });
  await new Promise<void>((resolve, reject) =>
    server.once('error', reject).listen(port, '127.0.0.1', resolve),
  );
  return server;
}

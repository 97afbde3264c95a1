import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../platform/logger.js';
import { createGatewayMetrics } from './metrics.js';
import { logRequests } from './request-log.js';

async function appLogging(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const app = Fastify({
    loggerInstance: createLogger({ level }, sink),
  }) as unknown as FastifyInstance;
  const metrics = createGatewayMetrics();
  app.decorate('metrics', metrics);
  logRequests(app);
  app.get('/v1/things/:ppid', async (_request, reply) => reply.code(200).send({ ok: true }));
  app.get('/v1/refused/:ppid', async (_request, reply) => reply.code(403).send({ code: 'FORBIDDEN' }));
  await app.ready();
  return { app, lines: () => lines.filter((l) => l.msg === 'request'), metrics };
}

describe('request log: every answer measured, only the unsuccessful ones logged at info', () => {
  const apps: FastifyInstance[] = [];
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  it('given info level, then a 2xx is measured but not logged, a 4xx is logged with the route pattern only', async () => {
    const { app, lines, metrics } = await appLogging('info');
    apps.push(app);
    await app.inject({ method: 'GET', url: '/v1/things/ppid-secret-1' });
    await app.inject({ method: 'GET', url: '/v1/refused/ppid-secret-2' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines()).toEqual([
      expect.objectContaining({ level: 30, method: 'GET', route: '/v1/refused/:ppid', status: 403 }),
    ]);
    expect(JSON.stringify(lines())).not.toContain('ppid-secret');
    const counted = (await metrics.requests.get()).values.filter(
      (v) => v.metricName === 'tsunagi_gateway_request_seconds_count',
    );
    expect(counted.map((v) => [v.labels.route, v.labels.status, v.value])).toEqual([
      ['/v1/things/:ppid', '200', 1],
      ['/v1/refused/:ppid', '403', 1],
    ]);
  });

  it('given debug level, then successes are logged too, at debug', async () => {
    const { app, lines } = await appLogging('debug');
    apps.push(app);
    await app.inject({ method: 'GET', url: '/v1/things/ppid-secret-1' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines()).toEqual([expect.objectContaining({ level: 20, route: '/v1/things/:ppid', status: 200 })]);
  });
});

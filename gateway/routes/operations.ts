import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../errors.js';

const Health = z.object({ status: z.literal('ok') });
const Readiness = z.object({
  status: z.enum(['ready', 'not-ready']),
  /** Each check by name (broker, stores, consents…): true when it passed within its time bound. */
  checks: z.record(z.string(), z.boolean()),
});
const open = { security: [] };

/** /healthz, /readyz and /metrics: no client certificate needed, no personal data in any of them. */
const operations: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness',
        tags: ['operations'],
        ...open,
        response: { 200: Health, 500: ErrorBody },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: the broker reachable with the trail and consents topics led, the stores open',
        tags: ['operations'],
        ...open,
        response: { 200: Readiness, 503: Readiness, 500: ErrorBody },
      },
    },
    async (_request, reply) => {
      const { ready, checks } = await app.readiness.run();
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
    },
  );
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        tags: ['operations'],
        ...open,
        response: { 200: z.string(), 429: ErrorBody, 500: ErrorBody },
      },
    },
    async (_request, reply) =>
      reply.type(app.metrics.registry.contentType).send(await app.metrics.registry.metrics()),
  );
};

export default fp(operations, {
  name: 'routes/operations',
  encapsulate: true,
  dependencies: ['readiness'],
  decorators: { fastify: ['metrics'] },
});

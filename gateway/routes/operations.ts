import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { GatewayMetrics } from '../metrics.js';
import { type ReadinessCheck, runReadiness } from '../readiness.js';
import { routeSchema } from '../zod-route.js';

const Health = z.object({ status: z.literal('ok') });
const Readiness = z.object({
  status: z.enum(['ready', 'not-ready']),
  checks: z.record(z.string(), z.boolean()),
});

/** Probes and metrics: no client certificate needed, no personal data in any of them. */
export function operationsRoutes(
  app: FastifyInstance,
  deps: { readiness: readonly ReadinessCheck[]; metrics: GatewayMetrics },
): void {
  app.get(
    '/healthz',
    { schema: routeSchema({ summary: 'Liveness', tags: ['operations'], response: { 200: Health } }) },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: routeSchema({
        summary: 'Readiness: Kafka reachable and stores open',
        tags: ['operations'],
        response: { 200: Readiness, 503: Readiness },
      }),
    },
    async (_request, reply) => {
      const { ready, checks } = await runReadiness(deps.readiness);
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
    },
  );
  app.get(
    '/metrics',
    {
      schema: routeSchema({
        summary: 'Prometheus metrics (text exposition format)',
        tags: ['operations'],
        response: { 200: z.string() },
      }),
    },
    async (_request, reply) =>
      reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
  );
}

import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** One registry per gateway instance (tests build many); names carry no personal data in labels. */
export function createGatewayMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tsunagi_gateway_' });
  return {
    registry,
    requests: new Histogram({
      name: 'tsunagi_gateway_request_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    disclosures: new Counter({
      name: 'tsunagi_gateway_disclosures_total',
      help: 'Trail records written, by channel and outcome',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    trailFailures: new Counter({
      name: 'tsunagi_gateway_trail_failures_total',
      help: 'Answers refused because the trail could not be written',
      registers: [registry],
    }),
    authRefusals: new Counter({
      name: 'tsunagi_gateway_auth_refusals_total',
      help: 'Client certificates refused, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    connectionRefusals: new Counter({
      name: 'tsunagi_gateway_connection_refusals_total',
      help: 'Connections closed by the gateway (renegotiation, timeouts, TLS and HTTP errors), by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    securityEvents: new Counter({
      name: 'tsunagi_gateway_security_events_total',
      help: 'Security events appended to the security-audit topic, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    securityEventsDropped: new Counter({
      name: 'tsunagi_gateway_security_events_dropped_total',
      help: 'Security events not appended: queue_full (the topic is slow or down), invalid, closed',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
  };
}
export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

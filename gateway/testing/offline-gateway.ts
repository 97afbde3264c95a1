import type { FastifyInstance } from 'fastify';
import { fixedClock } from '../../core/clock.js';
import type { LegalBasisPolicy } from '../../core/policy/table.js';
import { memoryView } from '../../platform/memory-view.js';
import { consentsOf, consentsView } from '../../projections/consents.js';
import { testLogger } from '../../tests/support/infra.js';
import { createConsentCommands } from '../consent-commands.js';
import { createGatewayMetrics } from '../metrics.js';
import type { InquiryReadModel } from '../ports.js';
import type { ReadinessCheck } from '../readiness.js';
import { createSessionTokens } from '../resident/session-token.js';
import { buildGateway } from '../server.js';
import type { AgencyPki } from './tls.js';

/**
 * Test-only: the gateway built with in-memory ports and never listening, for what needs no server
 * (the OpenAPI document, /readyz's answer, the route table) through `app.inject`. Anything that
 * discloses or records goes through `startTestGateway` on the real Kafka instead.
 */
export async function offlineGateway(
  pki: AgencyPki,
  options: { broker?: ReadinessCheck; inquiries?: Partial<InquiryReadModel> } = {},
): Promise<FastifyInstance> {
  const clock = fixedClock('2026-04-01T03:00:00Z');
  const view = memoryView(consentsView);
  const unused = async () => {
    throw new Error('offline gateway: no Kafka here');
  };
  const sessions = createSessionTokens({ key: Buffer.alloc(32, 7), clock });
  return buildGateway({
    tls: { cert: pki.server.cert, key: pki.server.key, agencyCa: pki.caPem },
    logger: testLogger(),
    clock,
    metrics: createGatewayMetrics(),
    limits: { ratePerMinute: 1_000, bodyLimitBytes: 16_384 },
    clients: {
      trail: { record: unused, close: async () => undefined },
      consentCommands: createConsentCommands({
        view,
        store: { append: unused },
        clock,
        ids: () => 'id',
      }),
      residents: { resolveAgencyCode: unused, resolvePpid: unused },
      broker: options.broker,
    },
    readModels: {
      policy: { current: (): LegalBasisPolicy => ({ version: 1, revision: 'offline', rows: [] }) },
      inquiries: { latestItem: () => undefined, residentRecord: () => undefined, ...options.inquiries },
      consents: { consentsOf: (linkageId) => consentsOf(view, linkageId) },
      isRevoked: () => false,
    },
    portalAgencies: ['resident-portal'],
    residentSignIn: {
      clock,
      trustAnchors: [],
      revocation: { check: unused },
      certificates: { resolveCertificate: unused },
      codes: { ppidFor: unused },
      sessions,
    },
    residentSessions: sessions,
  });
}

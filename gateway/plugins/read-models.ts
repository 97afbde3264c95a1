import fp from 'fastify-plugin';
import type { LegalBasisPolicy } from '../../core/policy/table.js';
import type { ConsentReadModel, InquiryReadModel } from '../ports.js';

/**
 * The read models the gateway decides and answers from, each a plugin decorating the instance with
 * one port and adding its readiness check (fastify/demo's plugins/app with declared dependencies):
 * the legal-basis table, the projector's views of items and resident records, the residents'
 * consents, and the revoked agency certificates.
 */
declare module 'fastify' {
  interface FastifyInstance {
    /** The legal-basis table in force (reloaded on change or SIGHUP by policy/store.ts). */
    policy: { current(): LegalBasisPolicy };
    /** The duplicate store's latest items and the resident record view. */
    inquiries: InquiryReadModel;
    consents: ConsentReadModel;
    /** Revoked agency client certificates, by normalised hex serial. */
    revocations: { isRevoked(serial: string): boolean };
  }
}

export const policyReadModel = fp<{ policy: { current(): LegalBasisPolicy } }>(
  async (app, { policy }) => app.decorate('policy', policy),
  { name: 'policy' },
);

export const inquiryReadModel = fp<{ readModel: InquiryReadModel }>(
  async (app, { readModel }) => {
    app.decorate('inquiries', readModel);
    const { ready } = readModel;
    if (ready) app.readiness.add({ name: 'stores', check: () => ready.call(readModel) });
  },
  { name: 'inquiries', dependencies: ['readiness'] },
);

export const consentReadModel = fp<{ readModel: ConsentReadModel }>(
  async (app, { readModel }) => {
    app.decorate('consents', readModel);
    const { ready } = readModel;
    if (ready) app.readiness.add({ name: 'consents', check: () => ready.call(readModel) });
  },
  { name: 'consents', dependencies: ['readiness'] },
);

export const revocationsReadModel = fp<{ isRevoked(serial: string): boolean }>(
  async (app, { isRevoked }) => app.decorate('revocations', { isRevoked }),
  { name: 'revocations' },
);

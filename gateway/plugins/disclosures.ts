import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import { createDisclosureService, type DisclosureService } from '../disclosure-service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Decides, reads, counts consent uses and records every item of an inquiry (disclosure-service.ts). */
    disclosures: DisclosureService;
  }
}

/** The disclosure service over the read models and clients it declares; `ids` makes trail event ids. */
export const disclosures = fp<{ ids?: () => string }>(
  async (app, options) => {
    app.decorate(
      'disclosures',
      createDisclosureService({
        policy: app.policy,
        consents: app.consents,
        consentUses: app.consentCommands,
        readModel: app.inquiries,
        recorder: app.trail,
        clock: app.clock,
        ids: options.ids ?? randomUUID,
      }),
    );
  },
  {
    name: 'disclosures',
    dependencies: ['policy', 'consents', 'consent-commands', 'inquiries', 'trail'],
    decorators: { fastify: ['clock'] },
  },
);

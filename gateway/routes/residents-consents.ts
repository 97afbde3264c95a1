import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { consentVisibleTo, mayRecordConsent } from '../../core/consent/access.js';
import { TsunagiError } from '../../core/errors.js';
import {
  ConsentIdParams,
  ConsentList,
  ConsentView,
  consentErrors,
  GrantConsentBody,
  IdempotencyHeaders,
  RevokeConsentBody,
  toConsentView,
} from '../consent-api.js';

export interface ResidentsConsentsOptions {
  /** Agencies that act for the resident (the portal): the only agencies that may record a consent. */
  portalAgencies: readonly string[];
}

const PpidParams = z.strictObject({ ppid: z.string().min(1).max(128) });
const RevokeParams = PpidParams.extend(ConsentIdParams.shape);

/**
 * /v1/residents/{ppid}/consents: the resident's consents through an agency, addressed by the
 * caller's PPID for the resident. A consent comes from the resident, never from the party it
 * benefits: only the resident portal (`GATEWAY_PORTAL_AGENCIES`, after its own sign-in of the
 * resident) records one; any other caller is refused with CONSENT_NOT_BY_RESIDENT before its body
 * is even read. A service may still list and revoke the consents naming it; another caller's
 * consent is answered as not found. Who may do what is core/consent/access.ts'; the commands are
 * consent-commands.ts'; this file does HTTP only.
 */
const residentsConsents: FastifyPluginAsyncZod<ResidentsConsentsOptions> = async (app, options) => {
  const commands = app.consentCommands;
  const visibleTo = (caller: string) => consentVisibleTo(caller, options.portalAgencies);
  const resident = async (caller: string, ppid: string): Promise<string> => {
    const resolved = await app.residents.resolvePpid(caller, ppid);
    if (!resolved.ok)
      throw new TsunagiError('IDENTITY_UNKNOWN', 'no resident is known under this ppid', { path: 'ppid' });
    return resolved.linkageId;
  };

  app.post(
    '/v1/residents/:ppid/consents',
    {
      schema: {
        summary: "Record a resident's consent: the resident portal only",
        tags: ['consents'],
        params: PpidParams,
        headers: IdempotencyHeaders,
        body: GrantConsentBody,
        response: { 201: ConsentView, ...consentErrors },
      },
      preValidation: async (request) => {
        if (!mayRecordConsent(request.agency.agencyId, options.portalAgencies))
          throw new TsunagiError(
            'CONSENT_NOT_BY_RESIDENT',
            'a consent is recorded only by the resident (POST /v1/resident/consents) or the resident portal acting for them',
            { path: 'agency' },
          );
      },
    },
    async (request, reply) => {
      const caller = request.agency.agencyId;
      const { consent, replayed } = await commands.grant({
        linkageId: await resident(caller, request.params.ppid),
        body: request.body,
        channel: caller,
        idempotencyKey: request.headers['idempotency-key'],
        correlationId: request.id,
      });
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(toConsentView(consent, app.clock.now()));
    },
  );

  app.get(
    '/v1/residents/:ppid/consents',
    {
      schema: {
        summary: "List a resident's consents (newest first): all for the portal, a service's own otherwise",
        tags: ['consents'],
        params: PpidParams,
        response: { 200: ConsentList, ...consentErrors },
      },
    },
    async (request) => {
      const caller = request.agency.agencyId;
      const consents = await commands.list(await resident(caller, request.params.ppid), visibleTo(caller));
      const at = app.clock.now();
      return { consents: consents.map((c) => toConsentView(c, at)) };
    },
  );

  app.post(
    '/v1/residents/:ppid/consents/:consentId/revoke',
    {
      schema: {
        summary: "Revoke a resident's consent (the portal, or the service it names)",
        tags: ['consents'],
        params: RevokeParams,
        headers: IdempotencyHeaders,
        body: RevokeConsentBody,
        response: { 200: ConsentView, ...consentErrors },
      },
    },
    async (request) => {
      const caller = request.agency.agencyId;
      const consent = await commands.revoke({
        linkageId: await resident(caller, request.params.ppid),
        consentId: request.params.consentId,
        reason: request.body.reason,
        visible: visibleTo(caller),
        correlationId: request.id,
      });
      return toConsentView(consent, app.clock.now());
    },
  );
};

export default fp(residentsConsents, {
  name: 'routes/residents-consents',
  encapsulate: true,
  dependencies: ['consent-commands', 'identity'],
  decorators: { fastify: ['clock'], request: ['agency'] },
});

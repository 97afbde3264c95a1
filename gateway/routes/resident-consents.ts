import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
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
import { requireResidentSession, signedInResident } from '../resident/resident-session.js';
import type { SessionTokens } from '../resident/session-token.js';

export interface ResidentConsentOptions {
  /** The tokens resident sign-in issues; a request without a valid one gets 401 before anything else. */
  sessions: SessionTokens;
}

/** Recorded as the consent's `channel`: the resident granted it themselves, signed in with their card. */
export const RESIDENT_SESSION_CHANNEL = 'resident-session';

const bearer = { security: [{ residentSession: [] }] };

/**
 * /v1/resident/consents: the signed-in resident's own consents: the way a consent comes into being (issue 10 item 2).
 * Authenticated by the resident session token (`Authorization: Bearer`, from /v1/resident/sign-in);
 * the resident is the token's portal PPID, so a resident reaches only their own consents.
 */
const residentConsents: FastifyPluginAsyncZod<ResidentConsentOptions> = async (app, options) => {
  // onRequest: an unauthenticated request is refused before its body is read or validated.
  app.addHook('onRequest', requireResidentSession(options.sessions));
  const { consentCommands: commands, clock } = app;

  const residentOf = (request: FastifyRequest) => signedInResident(app.residents, request);

  app.get(
    '/v1/resident/consents',
    {
      schema: {
        ...bearer,
        summary: 'The signed-in resident lists their consents (newest first)',
        tags: ['resident'],
        response: { 200: ConsentList, ...consentErrors },
      },
    },
    async (request) => {
      const at = clock.now();
      const consents = await commands.list(await residentOf(request));
      return { consents: consents.map((c) => toConsentView(c, at)) };
    },
  );

  app.post(
    '/v1/resident/consents',
    {
      schema: {
        ...bearer,
        summary: 'The signed-in resident grants a consent (from now on, for at most a year)',
        tags: ['resident'],
        headers: IdempotencyHeaders,
        body: GrantConsentBody,
        response: { 201: ConsentView, ...consentErrors },
      },
    },
    async (request, reply) => {
      const { consent, replayed } = await commands.grant({
        linkageId: await residentOf(request),
        body: request.body,
        channel: RESIDENT_SESSION_CHANNEL,
        idempotencyKey: request.headers['idempotency-key'],
        correlationId: request.id,
      });
      if (replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(toConsentView(consent, clock.now()));
    },
  );

  app.post(
    '/v1/resident/consents/:consentId/revoke',
    {
      schema: {
        ...bearer,
        summary: 'The signed-in resident revokes one of their consents',
        tags: ['resident'],
        params: ConsentIdParams,
        headers: IdempotencyHeaders,
        body: RevokeConsentBody,
        response: { 200: ConsentView, ...consentErrors },
      },
    },
    async (request) => {
      const consent = await commands.revoke({
        linkageId: await residentOf(request),
        consentId: request.params.consentId,
        reason: request.body.reason,
        visible: () => true,
        correlationId: request.id,
      });
      return toConsentView(consent, clock.now());
    },
  );
};

export default fp(residentConsents, {
  name: 'routes/resident-consents',
  encapsulate: true,
  dependencies: ['consent-commands', 'identity'],
  decorators: { fastify: ['clock'] },
});

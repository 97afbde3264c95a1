import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Clock } from '../../core/clock.js';
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
import type { ConsentCommands } from '../consent-commands.js';
import type { ResidentResolver } from '../ports.js';
import { routeSchema, zodSerializerCompiler, zodValidatorCompiler } from '../zod-route.js';
import { requireResidentSession, signedInResident } from './resident-session.js';
import type { SessionTokens } from './session-token.js';

export interface ResidentConsentOptions {
  /** The tokens resident sign-in issues; a request without a valid one gets 401 before anything else. */
  sessions: SessionTokens;
  residents: ResidentResolver;
  consentCommands: ConsentCommands;
  clock: Clock;
}

/** Recorded as the consent's `channel`: the resident granted it themselves, signed in with their card. */
export const RESIDENT_SESSION_CHANNEL = 'resident-session';

const bearer = { security: [{ residentSession: [] }] };

/**
 * The signed-in resident's own consents: the way a consent comes into being (issue 10 item 2).
 * Authenticated by the resident session token (`Authorization: Bearer`, from /v1/resident/sign-in);
 * the resident is the token's portal PPID, so a resident reaches only their own consents.
 */
export const residentConsents: FastifyPluginAsync<ResidentConsentOptions> = async (app, options) => {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(zodSerializerCompiler);
  // onRequest: an unauthenticated request is refused before its body is read or validated.
  app.addHook('onRequest', requireResidentSession(options.sessions));
  const { consentCommands: commands, clock } = options;

  const residentOf = (request: FastifyRequest) => signedInResident(options.residents, request);

  app.get(
    '/v1/resident/consents',
    {
      schema: {
        ...routeSchema({
          summary: 'The signed-in resident lists their consents (newest first)',
          tags: ['resident'],
          response: { 200: ConsentList, ...consentErrors },
        }),
        ...bearer,
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
        ...routeSchema({
          summary: 'The signed-in resident grants a consent (from now on, for at most a year)',
          tags: ['resident'],
          headers: IdempotencyHeaders,
          body: GrantConsentBody,
          response: { 201: ConsentView, ...consentErrors },
        }),
        ...bearer,
      },
    },
    async (request, reply) => {
      const headers = request.headers as z.output<typeof IdempotencyHeaders>;
      const { consent, replayed } = await commands.grant({
        linkageId: await residentOf(request),
        body: request.body as z.output<typeof GrantConsentBody>,
        channel: RESIDENT_SESSION_CHANNEL,
        idempotencyKey: headers['idempotency-key'],
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
        ...routeSchema({
          summary: 'The signed-in resident revokes one of their consents',
          tags: ['resident'],
          params: ConsentIdParams,
          headers: IdempotencyHeaders,
          body: RevokeConsentBody,
          response: { 200: ConsentView, ...consentErrors },
        }),
        ...bearer,
      },
    },
    async (request) => {
      const { consentId } = request.params as z.output<typeof ConsentIdParams>;
      const consent = await commands.revoke({
        linkageId: await residentOf(request),
        consentId,
        reason: (request.body as z.output<typeof RevokeConsentBody>).reason,
        visible: () => true,
        correlationId: request.id,
      });
      return toConsentView(consent, clock.now());
    },
  );
};

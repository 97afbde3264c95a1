import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import {
  ConsentIdParams,
  ConsentView,
  GrantConsentBody,
  RevokeConsentBody,
  toConsentView,
  toGrantCommand,
} from '../../core/consent/api-schemas.js';
import { type ConsentCommand, decide } from '../../core/consent/decider.js';
import type { ConsentEventDraft } from '../../core/consent/types.js';
import { TsunagiError } from '../../core/errors.js';
import type { ConsentEventRecord, ConsentLog } from '../consent-log.js';
import type { ConsentView as ConsentViewModel } from '../consent-view.js';
import { ErrorBody } from '../errors.js';
import type { ResidentResolver } from '../ports.js';
import { routeSchema } from '../zod-route.js';

export interface ConsentRoutesDeps {
  residents: ResidentResolver;
  view: ConsentViewModel;
  log: ConsentLog;
  clock: Clock;
  ids: () => string;
  /** Agencies that act for the resident (the portal) and may manage consents for any recipient. */
  portalAgencies: readonly string[];
}

const PpidParams = z.strictObject({ ppid: z.string().min(1).max(128) });
const RevokeParams = PpidParams.extend(ConsentIdParams.shape);
const ConsentList = z.object({ consents: z.array(ConsentView) });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 503: ErrorBody };

/**
 * The resident's consents, addressed by the caller's PPID for the resident: the resident portal
 * (after its JPKI login) manages all of them; a private service sees and records only the consents
 * naming it as recipient. Another caller's consent is answered as not found, so existence never leaks.
 */
export function consentRoutes(app: FastifyInstance, deps: ConsentRoutesDeps): void {
  const resident = async (caller: string, ppid: string): Promise<string> => {
    const resolved = await deps.residents.resolvePpid(caller, ppid);
    if (!resolved.ok)
      throw new TsunagiError('IDENTITY_UNKNOWN', 'no resident is known under this ppid', { path: 'ppid' });
    return resolved.linkageId;
  };
  const mayManage = (caller: string, recipient: string) =>
    deps.portalAgencies.includes(caller) || recipient === caller;

  async function publish(command: ConsentCommand, drafts: ConsentEventDraft[], correlationId: string) {
    const envelope = (at: Date) => ({
      eventId: deps.ids(),
      occurredAt: at,
      recordedAt: deps.clock.now(),
      producer: 'gateway',
      correlationId,
    });
    const events = drafts.map(
      (draft) => ({ ...draft, envelope: envelope(command.at) }) as ConsentEventRecord,
    );
    await deps.log.append(events);
    for (const event of events) deps.view.apply(event);
  }

  app.post(
    '/v1/residents/:ppid/consents',
    {
      schema: routeSchema({
        summary: "Record a resident's consent",
        tags: ['consents'],
        params: PpidParams,
        body: GrantConsentBody,
        response: { 201: ConsentView, ...errors },
      }),
    },
    async (request, reply) => {
      const { ppid } = request.params as z.output<typeof PpidParams>;
      const body = request.body as z.output<typeof GrantConsentBody>;
      const caller = request.agency.agencyId;
      if (!mayManage(caller, body.recipient))
        throw new TsunagiError('FORBIDDEN', 'a service may record only consents naming itself', {
          path: 'recipient',
        });
      const linkageId = await resident(caller, ppid);
      const at = deps.clock.now();
      const command = toGrantCommand(body, { consentId: deps.ids(), linkageId, at, channel: caller });
      const decision = decide(command, null);
      if (!decision.ok)
        throw new TsunagiError('INPUT_INVALID', `consent refused: ${decision.reason}`, { path: 'body' });
      await publish(command, decision.events, request.id);
      const consent = deps.view.consent(command.consentId);
      if (!consent) throw new TsunagiError('INTERNAL', 'a granted consent is missing from the view');
      return reply.code(201).send(toConsentView(consent, at));
    },
  );

  app.get(
    '/v1/residents/:ppid/consents',
    {
      schema: routeSchema({
        summary: "List a resident's consents (newest first)",
        tags: ['consents'],
        params: PpidParams,
        response: { 200: ConsentList, ...errors },
      }),
    },
    async (request) => {
      const { ppid } = request.params as z.output<typeof PpidParams>;
      const caller = request.agency.agencyId;
      const linkageId = await resident(caller, ppid);
      const at = deps.clock.now();
      const consents = (await deps.view.consentsOf(linkageId))
        .filter((c) => mayManage(caller, c.recipient))
        .map((c) => toConsentView(c, at))
        .reverse();
      return { consents };
    },
  );

  app.post(
    '/v1/residents/:ppid/consents/:consentId/revoke',
    {
      schema: routeSchema({
        summary: "Revoke a resident's consent",
        tags: ['consents'],
        params: RevokeParams,
        body: RevokeConsentBody,
        response: { 200: ConsentView, ...errors },
      }),
    },
    async (request) => {
      const { ppid, consentId } = request.params as z.output<typeof RevokeParams>;
      const { reason } = request.body as z.output<typeof RevokeConsentBody>;
      const caller = request.agency.agencyId;
      const linkageId = await resident(caller, ppid);
      const state = deps.view.consent(consentId) ?? null;
      const visible = state !== null && mayManage(caller, state.recipient) ? state : null;
      const at = deps.clock.now();
      const command: ConsentCommand = { type: 'RevokeConsent', at, consentId, linkageId, reason };
      const decision = decide(command, visible);
      if (!decision.ok) throw new TsunagiError('NOT_FOUND', 'no such consent', { path: 'consentId' });
      await publish(command, decision.events, request.id);
      const consent = deps.view.consent(consentId);
      if (!consent) throw new TsunagiError('INTERNAL', 'a revoked consent is missing from the view');
      return toConsentView(consent, at);
    },
  );
}

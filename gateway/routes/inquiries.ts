import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { TsunagiError } from '../../core/errors.js';
import { InquiryAnswer, InquiryBody, RecordedRefusal, SelfInformationBody } from '../api-schemas.js';
import type { DisclosureRequest, DisclosureService, ItemAnswer } from '../disclosure-service.js';
import { ErrorBody } from '../errors.js';
import type { GatewayMetrics } from '../metrics.js';
import type { CodeRefusal, ResidentResolver } from '../ports.js';
import { routeSchema } from '../zod-route.js';

export interface DisclosureRoutesDeps {
  disclosures: DisclosureService;
  residents: ResidentResolver;
  metrics: GatewayMetrics;
}

function unresolved(reason: CodeRefusal, path: string): TsunagiError {
  return reason === 'CODE_MALFORMED'
    ? new TsunagiError('INPUT_INVALID', `${path} is not a code issued to this agency`, { path })
    : new TsunagiError('IDENTITY_UNKNOWN', `no resident is known under this ${path}`, { path });
}

/** 200 if anything was disclosed; else 403 if anything was refused; else 404. Every item was recorded. */
async function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: DisclosureRoutesDeps,
  disclosure: DisclosureRequest,
) {
  let items: ItemAnswer[];
  try {
    items = await deps.disclosures.disclose(disclosure);
  } catch (error) {
    if (error instanceof TsunagiError && error.code === 'TRAIL_UNAVAILABLE') deps.metrics.trailFailures.inc();
    throw error;
  }
  for (const item of items)
    deps.metrics.disclosures.inc({ channel: disclosure.channel, outcome: item.outcome });
  const inquiryId = disclosure.correlationId;
  const path = request.url.split('?')[0] ?? request.url;
  if (items.some((item) => item.outcome === 'DISCLOSED')) return reply.code(200).send({ inquiryId, items });
  const refused = items.find((item) => item.outcome === 'REFUSED');
  if (refused) {
    return reply.code(403).send({
      code: 'FORBIDDEN',
      message: 'disclosure refused; the refusal was recorded',
      path,
      reason: refused.reason?.split(':')[0] ?? 'REFUSED',
      inquiryId,
      items,
    });
  }
  return reply
    .code(404)
    .send({ code: 'NOT_FOUND', message: 'no such item is held; recorded', path, inquiryId, items });
}

const responses = {
  200: InquiryAnswer,
  400: ErrorBody,
  401: ErrorBody,
  403: RecordedRefusal,
  404: RecordedRefusal.or(ErrorBody),
  429: ErrorBody,
  503: ErrorBody,
};

export function inquiryRoutes(app: FastifyInstance, deps: DisclosureRoutesDeps): void {
  app.post(
    '/v1/inquiries',
    {
      schema: routeSchema({
        summary: 'Inquire information items about a resident, by the agency code',
        tags: ['inquiries'],
        body: InquiryBody,
        response: responses,
      }),
    },
    async (request, reply) => {
      const body = request.body as z.output<typeof InquiryBody>;
      const requester = request.agency.agencyId;
      const resolved = await deps.residents.resolveAgencyCode(requester, body.agencyCode);
      if (!resolved.ok) throw unresolved(resolved.reason, 'agencyCode');
      return answer(request, reply, deps, {
        requester,
        officeWork: body.officeWork,
        items: body.items,
        provider: body.provider,
        linkageId: resolved.linkageId,
        channel: 'INQUIRY',
        nonDisclosure:
          body.nonDisclosureUntil === undefined
            ? undefined
            : {
                until: body.nonDisclosureUntil,
                reason: body.nonDisclosureReason,
                caseReference: body.caseReference,
              },
        correlationId: request.id,
        receivedMsAgo: reply.elapsedTime,
      });
    },
  );

  app.post(
    '/v1/self-information',
    {
      schema: routeSchema({
        summary: "A private service's self-information request, answered only under the resident's consent",
        tags: ['self-information'],
        body: SelfInformationBody,
        response: responses,
      }),
    },
    async (request, reply) => {
      const body = request.body as z.output<typeof SelfInformationBody>;
      const requester = request.agency.agencyId;
      const resolved = await deps.residents.resolvePpid(requester, body.ppid);
      if (!resolved.ok) throw unresolved(resolved.reason, 'ppid');
      return answer(request, reply, deps, {
        requester,
        officeWork: body.purpose,
        items: body.items,
        provider: body.provider,
        linkageId: resolved.linkageId,
        channel: 'SELF_INFORMATION',
        correlationId: request.id,
        receivedMsAgo: reply.elapsedTime,
      });
    },
  );
}

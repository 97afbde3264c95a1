import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { InquiryAnswer, InquiryBody } from '../api-schemas.js';
import { answerDisclosure, disclosureErrors, unresolved } from './disclosure-answer.js';

/** POST /v1/inquiries: an agency asks for items about a resident it knows by its own agency code. */
const inquiries: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/inquiries',
    {
      schema: {
        summary: 'Inquire information items about a resident, by the agency code',
        tags: ['inquiries'],
        body: InquiryBody,
        response: { 200: InquiryAnswer, ...disclosureErrors },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const requester = request.agency.agencyId;
      const resolved = await app.residents.resolveAgencyCode(requester, body.agencyCode);
      if (!resolved.ok) throw unresolved(resolved.reason, 'agencyCode');
      const hidden = body.nonDisclosureUntil;
      return answerDisclosure(app, request, {
        requester,
        officeWork: body.officeWork,
        items: body.items,
        provider: body.provider,
        linkageId: resolved.linkageId,
        channel: 'INQUIRY',
        nonDisclosure:
          hidden === undefined
            ? undefined
            : { until: hidden, reason: body.nonDisclosureReason, caseReference: body.caseReference },
        correlationId: request.id,
        receivedMsAgo: reply.elapsedTime,
      });
    },
  );
};

export default fp(inquiries, {
  name: 'routes/inquiries',
  encapsulate: true,
  dependencies: ['disclosures', 'identity'],
  decorators: { fastify: ['metrics'], request: ['agency'] },
});

import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { InquiryAnswer, SelfInformationBody } from '../api-schemas.js';
import { answerDisclosure, disclosureErrors, unresolved } from './disclosure-answer.js';

/** POST /v1/self-information: a private service asks under the resident's consent, by its PPID. */
const selfInformation: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/self-information',
    {
      schema: {
        summary: "A private service's self-information request, answered only under the resident's consent",
        tags: ['self-information'],
        body: SelfInformationBody,
        response: { 200: InquiryAnswer, ...disclosureErrors },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const requester = request.agency.agencyId;
      const resolved = await app.residents.resolvePpid(requester, body.ppid);
      if (!resolved.ok) throw unresolved(resolved.reason, 'ppid');
      return answerDisclosure(app, request, {
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
};

export default fp(selfInformation, {
  name: 'routes/self-information',
  encapsulate: true,
  dependencies: ['disclosures', 'identity'],
  decorators: { fastify: ['metrics'], request: ['agency'] },
});

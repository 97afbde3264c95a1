import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TsunagiError } from '../../core/errors.js';
import { OfficeWork } from '../../core/policy/vocabulary.js';
import { checkMyNumber, MY_NUMBER_MESSAGES, type MyNumber } from '../../identity/my-number.js';
import { ErrorBody, refusal } from '../errors.js';
import type { GatewayMetrics } from '../metrics.js';
import { oncePerWindow } from '../once-per-window.js';
import type { LinkingService } from '../push/linking-service.js';

/** A My Number at the edge: the check digit verified; a refusal is MY_NUMBER_INVALID and never echoes a digit. */
const MyNumberField = z
  .unknown()
  .superRefine((value, ctx) => {
    const checked = checkMyNumber(value);
    if (!checked.ok)
      ctx.addIssue({
        code: 'custom',
        message: MY_NUMBER_MESSAGES[checked.reason],
        params: { code: 'MY_NUMBER_INVALID' },
      });
  })
  .transform((value) => value as MyNumber)
  .meta({ description: 'twelve ASCII digits, the last the check digit', type: 'string' });

export const LinkBody = z.strictObject({
  /** The My Number the agency received with the resident's application. Used once; never kept, never logged. */
  myNumber: MyNumberField,
  officeWork: OfficeWork,
  /** The legal-basis row the agency relies on (docs/legal-basis.md). */
  legalBasisRowId: z.string().regex(/^LB-\d{4}$/, { error: 'must look like LB-0001' }),
});

export const LinkAnswer = z.object({
  /** The agency's own code for the resident (機関別符号): the same on every link by this agency. */
  agencyCode: z.string(),
  officeWork: z.string(),
  legalBasisRowId: z.string(),
  /** Where the link is in the access trail (channel LINKING), recorded before this answer. */
  trail: z.object({ topic: z.string(), partition: z.int(), offset: z.string() }),
});

export interface LinkRoutesOptions {
  linking: LinkingService;
  /** Links one agency may make per minute (on top of its request budget): My Numbers are not to be enumerated. */
  linksPerMinute: number;
  metrics: GatewayMetrics;
}

const WINDOW_MS = 60_000;

/**
 * `POST /v1/links` (agency, mutual TLS; docs/linking.md): the My Number an agency received → its own
 * code for the resident, recorded in the trail. A plugin with zod request and response schemas.
 */
export const linkRoutes: FastifyPluginAsync<LinkRoutesOptions> = async (app, options) => {
  const budget = app.createRateLimit({
    max: options.linksPerMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: (request) => `link:${request.agency?.agencyId}`,
  });
  const firstRefusal = oncePerWindow(WINDOW_MS);

  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/links',
    {
      schema: {
        summary: "Link a resident at application time: the My Number received → the agency's own code",
        tags: ['linking'],
        body: LinkBody,
        response: {
          200: LinkAnswer,
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
          429: ErrorBody,
        },
      },
      // Before the body is read: a flood of links is refused without touching a My Number.
      onRequest: async (request, reply) => {
        const result = await budget(request);
        if (result.isAllowed || !result.isExceeded) return;
        void reply.header('retry-after', result.ttlInSeconds);
        throw refusal(
          new TsunagiError('RATE_LIMITED', `at most ${result.max} links per minute per agency`, {
            path: 'agency',
          }),
          { reason: 'LINK_BUDGET_EXCEEDED', suppressAudit: !firstRefusal(result.key) },
        );
      },
    },
    async (request) => {
      try {
        const answer = await options.linking.link({
          requester: request.agency.agencyId,
          ...request.body,
          correlationId: request.id,
          receivedMsAgo: 0,
        });
        options.metrics.disclosures.inc({ channel: 'LINKING', outcome: 'DISCLOSED' });
        return answer;
      } catch (error) {
        if (error instanceof TsunagiError && error.code === 'FORBIDDEN')
          options.metrics.disclosures.inc({ channel: 'LINKING', outcome: 'REFUSED' });
        throw error;
      }
    },
  );
};

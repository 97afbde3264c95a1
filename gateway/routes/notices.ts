import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InboxNotice, InboxView, NoticeDeclines } from '../../notices/inbox.js';
import { ErrorBody } from '../errors.js';
import { requireResidentSession, residentSessionOf } from '../resident/resident-session.js';
import type { SessionTokens } from '../resident/session-token.js';

export interface NoticeRoutesOptions {
  sessions: SessionTokens;
  inbox: { view: InboxView; decline: NoticeDeclines };
}

const NoticeView = z.object({
  noticeId: z.string(),
  title: z.string(),
  ruleId: z.string(),
  officeWork: z.string(),
  /** The agency that acts on it, under its own code for the resident. */
  responsibleAgency: z.string(),
  dueDate: z.string(),
  effectiveDate: z.string(),
  issuedAt: z.iso.datetime(),
  status: z.enum(['OPEN', 'NOT_INTERESTED']),
  /** The notice's entry in the access trail, recorded before it was delivered. */
  trail: z.object({ topic: z.string(), partition: z.int(), offset: z.string() }),
});
const NoticeParams = z.strictObject({
  noticeId: z.string().regex(/^en-[0-9a-f]{40}$/, { error: 'not a notice id' }),
});
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 429: ErrorBody };
const bearer = { security: [{ residentSession: [] }] };

const shown = (notice: InboxNotice) => ({ ...notice, issuedAt: notice.issuedAt.toISOString() });

/**
 * The signed-in resident's inbox of eligibility notices (docs/notices.md), newest first, and the
 * "not interested" answer to one of them (an event too). The inbox is keyed by the session's portal
 * PPID, as the notices topic is: no linkage id is involved.
 */
export const noticeRoutes: FastifyPluginAsync<NoticeRoutesOptions> = async (app, options) => {
  app.addHook('onRequest', requireResidentSession(options.sessions));
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/v1/resident/notices',
    {
      schema: {
        summary: "The signed-in resident's eligibility notices, newest first",
        tags: ['resident'],
        response: { 200: z.object({ notices: z.array(NoticeView) }), ...errors },
        ...bearer,
      },
    },
    async (request) => ({
      notices: options.inbox.view.noticesOf(residentSessionOf(request).ppid).map(shown),
    }),
  );

  routes.post(
    '/v1/resident/notices/:noticeId/not-interested',
    {
      schema: {
        summary: 'The signed-in resident is not interested in a notice (idempotent)',
        tags: ['resident'],
        params: NoticeParams,
        response: { 200: NoticeView, ...errors },
        ...bearer,
      },
    },
    async (request) =>
      shown(
        await options.inbox.decline(residentSessionOf(request).ppid, request.params.noticeId, request.id),
      ),
  );
};

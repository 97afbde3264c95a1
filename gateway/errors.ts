import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type ErrorCode, isTsunagiError } from '../core/errors.js';
import type { HttpRefusal } from './security-events.js';

/** The one error body: 4xx say what and where; 5xx hide internals behind a correlation id. */
export const ErrorBody = z.object({
  code: z.string(),
  message: z.string(),
  path: z.string().optional(),
  correlationId: z.string().optional(),
  reason: z.string().optional(),
});

const CODE_FOR_STATUS: Record<number, ErrorCode> = {
  400: 'INPUT_INVALID',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  408: 'REQUEST_TIMEOUT',
  413: 'INPUT_INVALID',
  415: 'MEDIA_TYPE_UNSUPPORTED',
  429: 'RATE_LIMITED',
};

/** Framework messages that could quote what the client sent are replaced by our own. */
const FIXED_MESSAGE: Record<number, string> = {
  415: 'the body must be JSON (application/json) in UTF-8',
};
const FIXED_PATH: Record<number, string> = { 415: 'headers.content-type' };

/** What an error adds for the 4xx body and the security audit. */
export interface RefusalDetail {
  /** Machine-readable, answered as `reason` (e.g. CERTIFICATE_EXPIRED). */
  reason?: string;
  /** Already audited for this client and window (a repeated rate-limit hit). */
  suppressAudit?: boolean;
}

export const refusal = <E extends Error>(error: E, detail: RefusalDetail): E & RefusalDetail =>
  Object.assign(error, detail);

/** Told of every 4xx answered by the handlers below, after the answer was sent. */
export type RefusalListener = (request: FastifyRequest, refusal: HttpRefusal) => void;

const urlPath = (request: FastifyRequest): string => request.url.split('?')[0] ?? request.url;

export function installErrorHandling(
  app: FastifyInstance,
  onRefusal: RefusalListener = () => undefined,
): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ code: 'NOT_FOUND', message: 'no such route', path: urlPath(request) });
    onRefusal(request, { status: 404, code: 'NOT_FOUND', reason: 'NO_SUCH_ROUTE' });
  });

  app.setErrorHandler((error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const status = isTsunagiError(error)
      ? ((error as { statusCode?: number }).statusCode ?? error.httpStatus)
      : ((error as FastifyError).statusCode ?? 500);
    if (status >= 500) {
      request.log.error({ err: error, correlationId: request.id }, 'request failed');
      const code = isTsunagiError(error) && error.httpStatus >= 500 ? error.code : 'INTERNAL';
      const message =
        status === 503
          ? 'a required service is unavailable; nothing was disclosed, retry later'
          : 'internal error';
      return reply.code(status).send({ code, message, correlationId: request.id });
    }
    const detail = error as RefusalDetail;
    const tsunagi = isTsunagiError(error) ? error : undefined;
    const code = tsunagi?.code ?? CODE_FOR_STATUS[status] ?? 'INPUT_INVALID';
    const path = tsunagi?.path ?? FIXED_PATH[status] ?? urlPath(request);
    const message = tsunagi ? error.message : (FIXED_MESSAGE[status] ?? error.message);
    void reply
      .code(status)
      .send({ code, message, path, ...(detail.reason ? { reason: detail.reason } : {}) });
    if (!detail.suppressAudit)
      onRefusal(request, {
        status,
        code,
        reason: detail.reason ?? tsunagi?.path ?? (error as FastifyError).code ?? code,
      });
    return reply;
  });
}

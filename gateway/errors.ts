import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type ErrorCode, isTsunagiError } from '../core/errors.js';

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
  413: 'INPUT_INVALID',
  415: 'INPUT_INVALID',
  429: 'RATE_LIMITED',
};

const urlPath = (request: FastifyRequest): string => request.url.split('?')[0] ?? request.url;

export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ code: 'NOT_FOUND', message: 'no such route', path: urlPath(request) });
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
    const code = isTsunagiError(error) ? error.code : (CODE_FOR_STATUS[status] ?? 'INPUT_INVALID');
    const path = (isTsunagiError(error) ? error.path : undefined) ?? urlPath(request);
    return reply.code(status).send({ code, message: error.message, path });
  });
}

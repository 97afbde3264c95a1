import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorCatalogue, type ErrorCode, isTsunagiError, TsunagiError } from '../core/errors.js';
import type { HttpRefusal } from './security-events.js';

/** The one error body: 4xx say what and where; 5xx hide internals behind a correlation id. */
export const ErrorBody = z
  .object({
    code: z.string(),
    message: z.string(),
    path: z.string().optional(),
    correlationId: z.string().optional(),
    reason: z.string().optional(),
  })
  .meta({
    id: 'ErrorBody',
    description: '4xx: code, message and path (+reason); 5xx: code, message, correlationId',
  });
export type ErrorBody = z.output<typeof ErrorBody>;

/** What a refusal adds to its 4xx body and to the security audit. */
export interface RefusalDetail {
  /** Machine-readable, answered as `reason` (e.g. CERTIFICATE_EXPIRED, NO_LEGAL_BASIS). */
  reason?: string;
  /** Already audited for this client and window (a repeated rate-limit hit). */
  suppressAudit?: boolean;
  /** Fields the body carries beside the error (the disclosure flow: inquiryId and the items recorded). */
  answer?: Record<string, unknown>;
}

export const refusal = <E extends Error>(error: E, detail: RefusalDetail): E & RefusalDetail =>
  Object.assign(error, detail);

/** Told of every 4xx answered by the handlers below, after the answer was sent. */
export type RefusalListener = (request: FastifyRequest, refusal: HttpRefusal) => void;

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

/** The 4xx body: what was wrong (code, message), where (path), why (reason), and what it adds. */
export const refusalBody = (
  code: ErrorCode,
  message: string,
  path: string,
  detail: Pick<RefusalDetail, 'reason' | 'answer'> = {},
): ErrorBody & Record<string, unknown> => ({
  code,
  message,
  path,
  ...(detail.reason ? { reason: detail.reason } : {}),
  ...detail.answer,
});

/** The 5xx body: nothing of the internals; the correlation id finds the log line. */
export const failureBody = (code: ErrorCode, status: number, correlationId: string): ErrorBody => ({
  code,
  message:
    status === 503
      ? 'a required service is unavailable; nothing was disclosed, retry later'
      : 'internal error',
  correlationId,
});

/**
 * A request part the zod schemas refused, as INPUT_INVALID naming the field, e.g. `body.officeWork`
 * (the first issue; zod's messages never quote the value). A custom issue may name its own catalogue
 * code in its params (`{ code: 'MY_NUMBER_INVALID' }`, routes/links.ts).
 */
function validationError(error: Error): TsunagiError | undefined {
  if (!hasZodFastifySchemaValidationErrors(error)) return undefined;
  const [issue] = error.validation;
  const part = (error as FastifyError).validationContext ?? 'body';
  const path = [part, ...(issue?.instancePath ?? '').split('/').filter(Boolean)].join('.');
  const named =
    issue?.keyword === 'custom' ? (issue.params as { params?: { code?: unknown } }).params?.code : undefined;
  const code: ErrorCode =
    typeof named === 'string' && named in ErrorCatalogue ? (named as ErrorCode) : 'INPUT_INVALID';
  return new TsunagiError(code, `${path}: ${issue?.message ?? 'invalid'}`, { path });
}

/**
 * The path an error body names: the matched route's template, never the URL as sent, whose
 * parameters may be a My Number or a PPID (found by fuzzing). An unmatched URL shows only the
 * segments shaped like our route words; any other segment is `:segment`.
 */
export function shownPath(request: FastifyRequest): string {
  const template = request.routeOptions?.url;
  if (template) return template;
  const path = request.url.split('?')[0] ?? '';
  return path
    .split('/')
    .map((segment) => (segment === '' || ROUTE_WORD.test(segment) ? segment : ':segment'))
    .join('/');
}
const ROUTE_WORD = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * The one place HTTP error answers are built (client-errors.ts answers below HTTP with `refusalBody`
 * too): the not-found handler and the error handler. Routes, the request gate, the rate limits, body
 * parsing, validation and sign-in all throw; every 4xx is told to `onRefusal` (the security audit)
 * unless it was already audited in this window.
 */
export function installErrorHandling(
  app: FastifyInstance,
  onRefusal: RefusalListener = () => undefined,
): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(refusalBody('NOT_FOUND', 'no such route', shownPath(request)));
    onRefusal(request, { status: 404, code: 'NOT_FOUND', reason: 'NO_SUCH_ROUTE' });
  });

  app.setErrorHandler((thrown: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const error = validationError(thrown) ?? thrown;
    const tsunagi = isTsunagiError(error) ? error : undefined;
    const status = tsunagi?.httpStatus ?? (error as FastifyError).statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error, correlationId: request.id }, 'request failed');
      return reply.code(status).send(failureBody(tsunagi?.code ?? 'INTERNAL', status, request.id));
    }
    const detail = error as RefusalDetail;
    const code = tsunagi?.code ?? CODE_FOR_STATUS[status] ?? 'INPUT_INVALID';
    const path = tsunagi?.path ?? FIXED_PATH[status] ?? shownPath(request);
    const message = tsunagi ? error.message : (FIXED_MESSAGE[status] ?? error.message);
    void reply.code(status).send(refusalBody(code, message, path, detail));
    if (!detail.suppressAudit)
      onRefusal(request, {
        status,
        code,
        reason: detail.reason ?? tsunagi?.path ?? (error as FastifyError).code ?? code,
      });
    return reply;
  });
}

import type { ErrorCode } from '../core/errors.js';
import type { SecurityEventRecorded } from '../schemas/events.js';

/**
 * What the gateway knows about one refusal, before it becomes a SecurityEventRecorded. The client
 * address is here in clear only on its way into the audit, which keeps a keyed hash of it.
 */
export interface SecurityFact extends Omit<SecurityEventRecorded['data'], 'clientAddressHash'> {
  clientAddress: string | null;
  /** The request id (or a connection id): finds the matching log line. */
  correlationId: string;
}

export type SecurityEventKind = SecurityEventRecorded['data']['kind'];

/** A refusal answered over HTTP, as the error handler sees it. */
export interface HttpRefusal {
  status: number;
  code: string;
  /** Machine-readable detail: an auth refusal, a field path, a framework error code. */
  reason: string;
}

/** Where the refusal happened: never the URL (it can carry a PPID), only the route pattern. */
export interface RefusalContext {
  route: string | null;
  method: string | null;
  agencyId: string | null;
  certificateSha256: Uint8Array | null;
  clientAddress: string | null;
  correlationId: string;
}

const KIND_OF_CODE: Partial<Record<ErrorCode, SecurityEventKind>> = {
  UNAUTHENTICATED: 'AUTHENTICATION_REFUSED',
  RATE_LIMITED: 'RATE_LIMITED',
  IDENTITY_UNKNOWN: 'IDENTITY_UNKNOWN',
  INPUT_INVALID: 'MALFORMED_REQUEST',
  MEDIA_TYPE_UNSUPPORTED: 'MALFORMED_REQUEST',
  REQUEST_TIMEOUT: 'CLIENT_TIMED_OUT',
};

/**
 * Reasons are built from our own vocabulary, but are scrubbed all the same: only a short run of
 * plain characters survives, and any run of five or more digits (a code, a number) is masked.
 */
export const safeReason = (reason: string): string =>
  reason
    .replace(/[^A-Za-z0-9_.:/ -]/g, '?')
    .replace(/\d{5,}/g, '#')
    .slice(0, 128) || 'UNSPECIFIED';

const safeMethod = (method: string | null): string | null =>
  method !== null && /^[A-Z]{1,16}$/.test(method) ? method : null;

/**
 * The security event for an HTTP refusal before the trail, or undefined when the refusal is not
 * one (a 403 or 404 of the disclosure flow is in the access trail; 5xx are failures, not refusals).
 * `NOT_FOUND` counts only for a URL that matches no route: probing, a malformed request.
 */
export function refusalFact(refusal: HttpRefusal, context: RefusalContext): SecurityFact | undefined {
  const kind =
    refusal.code === 'NOT_FOUND' && context.route === 'unmatched'
      ? 'MALFORMED_REQUEST'
      : KIND_OF_CODE[refusal.code as ErrorCode];
  if (kind === undefined || refusal.status < 400 || refusal.status >= 500) return undefined;
  return {
    kind,
    route: context.route,
    method: safeMethod(context.method),
    status: refusal.status,
    errorCode: refusal.code,
    reason: safeReason(refusal.reason),
    agencyId: context.agencyId,
    certificateSha256: context.certificateSha256,
    clientAddress: context.clientAddress,
    correlationId: context.correlationId,
  };
}

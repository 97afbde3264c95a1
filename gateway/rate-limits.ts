import { isIPv6 } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TsunagiError } from '../core/errors.js';
import { refusal } from './errors.js';
import { oncePerWindow } from './once-per-window.js';

export interface RequestBudgets {
  /** Requests per minute of one agency (by the certificate's agency id). */
  agencyPerMinute: number;
  /** Requests per minute of one client address without an agency identity. */
  unauthenticatedPerMinute: number;
}

/** An IPv6 client is one /64 (one site's usual allocation), or a client could rotate addresses freely. */
export function addressKey(ip: string): string {
  const plain = ip.startsWith('::ffff:') && !isIPv6(ip.slice(7)) ? ip.slice(7) : ip;
  if (!isIPv6(plain)) return plain;
  const [head = '', tail = ''] = plain.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = plain.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * Checks the budget of the request's requester and sets the rate-limit headers; throws RATE_LIMITED
 * (429) past it. Two separate budgets: an authenticated agency's, keyed by its agency id, and the
 * budget of everyone else, keyed by client address, checked BEFORE authentication is refused so that
 * a client without a certificate cannot probe without bound. Only the first refusal per key and
 * window is for the security audit (`suppressAudit` on the others): one flooding client makes one
 * audit record per window, not one per request, and cannot crowd others out of the audit queue.
 */
export async function createRequestLimiter(app: FastifyInstance, budgets: RequestBudgets) {
  await app.register(rateLimit, { global: false });
  const window = 60_000;
  const byAgency = app.createRateLimit({
    max: budgets.agencyPerMinute,
    timeWindow: window,
    keyGenerator: (request) => `agency:${request.agency?.agencyId}`,
  });
  const byAddress = app.createRateLimit({
    max: budgets.unauthenticatedPerMinute,
    timeWindow: window,
    keyGenerator: (request) => `address:${addressKey(request.ip)}`,
  });
  const firstRefusal = oncePerWindow(window);

  return async function limit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const result = await (request.agency ? byAgency : byAddress)(request);
    answerBudget(
      reply,
      result,
      firstRefusal,
      request.agency
        ? { path: 'agency', reason: 'AGENCY_BUDGET_EXCEEDED' }
        : { path: 'client', reason: 'ADDRESS_BUDGET_EXCEEDED' },
    );
  };
}

/** What one budget check of `createRateLimit` found. */
type BudgetCheck = Awaited<ReturnType<ReturnType<FastifyInstance['createRateLimit']>>>;

/**
 * Answers one budget check: nothing while the budget lasts; near it, the rate-limit headers; past it,
 * `retry-after` too and RATE_LIMITED (429) with the given `path` and `reason`. Only the first refusal per
 * key and window (`firstRefusal`) is for the security audit.
 */
export function answerBudget(
  reply: FastifyReply,
  result: BudgetCheck,
  firstRefusal: (key: string) => boolean,
  refused: { path: string; reason: string },
): void {
  if (result.isAllowed) return;
  void reply.header('x-ratelimit-limit', result.max);
  void reply.header('x-ratelimit-remaining', result.remaining);
  void reply.header('x-ratelimit-reset', result.ttlInSeconds);
  if (!result.isExceeded) return;
  void reply.header('retry-after', result.ttlInSeconds);
  throw refusal(
    new TsunagiError('RATE_LIMITED', `rate limit of ${result.max} requests per minute exceeded`, {
      path: refused.path,
    }),
    { reason: refused.reason, suppressAudit: !firstRefusal(result.key) },
  );
}

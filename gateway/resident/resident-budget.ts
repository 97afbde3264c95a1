import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { oncePerWindow } from '../once-per-window.js';
import { addressKey, answerBudget } from '../rate-limits.js';
import type { SessionTokens } from './session-token.js';

export interface ResidentBudgets {
  /** Requests per minute of one signed-in resident (by the session's portal PPID, across sessions). */
  perSessionPerMinute: number;
  /** Requests per minute of one client address on the resident routes, page and proofs without a session. */
  perAddressPerMinute: number;
}

const BEARER = /^Bearer ([A-Za-z0-9._-]+)$/;

/**
 * The residents' own rate limit, apart from the agencies' and from other unauthenticated traffic:
 * a signed-in resident's requests count against their PPID (a new session does not reset it), all
 * else on the resident routes (page, sign-in, public proofs) against the client address. Invalid
 * tokens count against the address, so garbage tokens cannot buy budget. Throws RATE_LIMITED (429,
 * reason RESIDENT_SESSION_BUDGET_EXCEEDED or RESIDENT_ADDRESS_BUDGET_EXCEEDED); only the first
 * refusal per key and window goes to the security audit. Needs @fastify/rate-limit registered.
 */
export function createResidentLimiter(
  app: FastifyInstance,
  budgets: ResidentBudgets,
  sessions?: SessionTokens,
) {
  const window = 60_000;
  const bySession = app.createRateLimit({
    max: budgets.perSessionPerMinute,
    timeWindow: window,
    keyGenerator: (request) => `resident-session:${sessionKey(request) ?? ''}`,
  });
  const byAddress = app.createRateLimit({
    max: budgets.perAddressPerMinute,
    timeWindow: window,
    keyGenerator: (request) => `resident-address:${addressKey(request.ip)}`,
  });
  const firstRefusal = oncePerWindow(window);
  const ppids = new WeakMap<FastifyRequest, string | undefined>();
  function sessionKey(request: FastifyRequest): string | undefined {
    if (ppids.has(request)) return ppids.get(request);
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const verified = token === undefined ? undefined : sessions?.verify(token);
    const ppid = verified?.ok ? verified.session.ppid : undefined;
    ppids.set(request, ppid);
    return ppid;
  }

  return async function limit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const signedIn = sessionKey(request) !== undefined;
    const result = await (signedIn ? bySession : byAddress)(request);
    answerBudget(
      reply,
      result,
      firstRefusal,
      signedIn
        ? { path: 'session', reason: 'RESIDENT_SESSION_BUDGET_EXCEEDED' }
        : { path: 'client', reason: 'RESIDENT_ADDRESS_BUDGET_EXCEEDED' },
    );
  };
}

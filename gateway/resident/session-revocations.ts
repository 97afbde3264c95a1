import type { Clock } from '../../core/clock.js';
import type { SessionLedgerLog } from './challenge-store.js';
import type { SessionLedgerState } from './session-ledger.js';
import type { SessionTokens } from './session-token.js';

/**
 * Signed-out sessions: their token ids until the tokens expire. Tokens are self-contained (any
 * instance holding the key checks one), so signing out must be remembered where every instance
 * reads it: a SessionRevoked event in the ledger (`gateway-sessions`, kept a day, longer than any
 * token lives). The instance that signs out refuses the token at once; another instance from when
 * its follower has read the event (docs/gateway.md, "Several instances"); a restarted instance
 * reads every revocation again before it answers.
 */
export interface SessionRevocations {
  /** Resolves once the revocation is durable on the ledger. */
  revoke(sessionId: string, expiresAt: Date): Promise<void>;
  isRevoked(sessionId: string): boolean;
}

export function ledgerRevocations(deps: {
  state: SessionLedgerState;
  log: SessionLedgerLog;
  clock: Clock;
  instance: string;
}): SessionRevocations {
  const { state, log, clock, instance } = deps;
  return {
    async revoke(sessionId, expiresAt) {
      const event = {
        type: 'SessionRevoked' as const,
        sessionId,
        expiresAt: expiresAt.toISOString(),
        instance,
      };
      await log.append(event);
      // This instance refuses the token from now on, before its follower delivers the event back.
      state.apply(event);
    },
    isRevoked: (sessionId) => state.isRevoked(sessionId, clock.now().getTime()),
  };
}

/** The same tokens, with signed-out ones refused as TOKEN_REVOKED. */
export function revocableSessions(tokens: SessionTokens, revocations: SessionRevocations): SessionTokens {
  return {
    issue: (ppid) => tokens.issue(ppid),
    verify(token) {
      const verified = tokens.verify(token);
      if (verified.ok && revocations.isRevoked(verified.session.sessionId))
        return { ok: false, reason: 'TOKEN_REVOKED' };
      return verified;
    },
  };
}

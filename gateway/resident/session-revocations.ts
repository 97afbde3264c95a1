import { type Database, open, type RootDatabase } from 'lmdb';
import type { Clock } from '../../core/clock.js';
import { TsunagiError } from '../../core/errors.js';
import type { SessionTokens } from './session-token.js';

/**
 * Signed-out sessions: their token ids until the tokens expire. Tokens are self-contained (any
 * instance holding the key checks one), so signing out must be remembered somewhere: here, in an lmdb
 * store of the gateway's own, so a sign-out survives a gateway restart. One store per gateway host;
 * several gateway instances behind a load balancer need a shared one (docs/gateway.md).
 */
export interface SessionRevocations {
  revoke(sessionId: string, expiresAt: Date): Promise<void>;
  isRevoked(sessionId: string): boolean;
  close(): Promise<void>;
}

export function memorySessionRevocations(clock: Clock): SessionRevocations {
  const revoked = new Map<string, number>();
  return {
    async revoke(sessionId, expiresAt) {
      revoked.set(sessionId, expiresAt.getTime());
    },
    isRevoked(sessionId) {
      const until = revoked.get(sessionId);
      if (until !== undefined && until <= clock.now().getTime()) revoked.delete(sessionId);
      return until !== undefined && until > clock.now().getTime();
    },
    close: async () => undefined,
  };
}

/** Durable: each revocation is committed synchronously before sign-out answers. */
export function openSessionRevocations(path: string, clock: Clock): SessionRevocations {
  let root: RootDatabase;
  try {
    root = open({ path, maxDbs: 1 });
  } catch (cause) {
    throw new TsunagiError('STORE_UNAVAILABLE', 'the session revocation store could not be opened', {
      cause,
      path,
    });
  }
  const revoked: Database<number, string> = root.openDB({ name: 'revoked-sessions', encoding: 'json' });
  // Expired revocations are dropped at each start: the tokens they name are refused as expired anyway.
  const now = clock.now().getTime();
  root.transactionSync(() => {
    for (const { key, value } of revoked.getRange()) if (value <= now) revoked.removeSync(key);
  });
  return {
    async revoke(sessionId, expiresAt) {
      // Committed to disk before sign-out answers.
      revoked.putSync(sessionId, expiresAt.getTime());
    },
    isRevoked(sessionId) {
      const until = revoked.get(sessionId);
      return until !== undefined && until > clock.now().getTime();
    },
    close: () => root.close(),
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

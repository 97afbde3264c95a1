import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import { TsunagiError } from '../../core/errors.js';
import { SESSION_SERVICE_ID } from '../../core/resident/portal.js';
import { type Result, refuse } from '../../core/result.js';
import { readEnv } from '../../platform/env.js';

export { SESSION_SERVICE_ID };

/**
 * Resident session tokens: `v1.<base64url JSON claims>.<base64url HMAC-SHA-256>`, compact and
 * self-contained, so any gateway instance holding the key can check one without a session store.
 * The subject is the resident portal's PPID for the resident: a token never carries the linkage id,
 * and a leaked token names nobody outside the portal. Tokens are short-lived (15 minutes by default);
 * signing out revokes one before it expires (session-revocations.ts).
 */
export const DEFAULT_SESSION_TTL_MS = 15 * 60_000;
const VERSION = 'v1';

export const SessionClaims = z.strictObject({
  /** The portal's PPID for the resident. */
  sub: z.string().min(1).max(128),
  aud: z.literal(SESSION_SERVICE_ID),
  /** Issued at / expires, in seconds since the epoch. */
  iat: z.int().nonnegative(),
  exp: z.int().nonnegative(),
  jti: z.string().min(1).max(64),
});
export type SessionClaims = z.infer<typeof SessionClaims>;

export interface ResidentSession {
  ppid: string;
  expiresAt: Date;
  sessionId: string;
}

/** TOKEN_REVOKED: the resident signed out (session-revocations.ts). */
export type SessionRefusal =
  | 'TOKEN_MALFORMED'
  | 'TOKEN_SIGNATURE_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_REVOKED';

export interface SessionTokens {
  issue(ppid: string): { token: string; expiresAt: Date };
  verify(token: string): Result<{ session: ResidentSession }, SessionRefusal>;
}

const MIN_KEY_BYTES = 32;
const mac = (key: Uint8Array, text: string): Buffer =>
  createHmac('sha256', key).update(text, 'ascii').digest();

/** Checks MAC, shape and expiry (an expired token is refused from its `exp` second on). */
export function verifySessionToken(
  token: string,
  deps: { key: Uint8Array; clock: Clock },
): Result<{ session: ResidentSession }, SessionRefusal> {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION || !parts[1] || !parts[2]) return refuse('TOKEN_MALFORMED');
  const given = Buffer.from(parts[2], 'base64url');
  const expected = mac(deps.key, `${parts[0]}.${parts[1]}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return refuse('TOKEN_SIGNATURE_INVALID');
  let claims: SessionClaims;
  try {
    claims = SessionClaims.parse(JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')));
  } catch {
    return refuse('TOKEN_MALFORMED');
  }
  if (deps.clock.now().getTime() >= claims.exp * 1000) return refuse('TOKEN_EXPIRED');
  return {
    ok: true,
    session: { ppid: claims.sub, expiresAt: new Date(claims.exp * 1000), sessionId: claims.jti },
  };
}

export function createSessionTokens(deps: {
  key: Uint8Array;
  clock: Clock;
  ttlMs?: number;
  newId?: () => string;
}): SessionTokens {
  if (deps.key.length < MIN_KEY_BYTES)
    throw new TsunagiError('CONFIG_INVALID', `the session key must have at least ${MIN_KEY_BYTES} bytes`, {
      path: 'TSUNAGI_SESSION_KEY',
    });
  const ttlMs = deps.ttlMs ?? DEFAULT_SESSION_TTL_MS;
  return {
    issue(ppid) {
      const now = Math.floor(deps.clock.now().getTime() / 1000);
      const claims: SessionClaims = {
        sub: ppid,
        aud: SESSION_SERVICE_ID,
        iat: now,
        exp: now + Math.ceil(ttlMs / 1000),
        jti: (deps.newId ?? randomUUID)(),
      };
      const body = `${VERSION}.${Buffer.from(JSON.stringify(SessionClaims.parse(claims))).toString('base64url')}`;
      return {
        token: `${body}.${mac(deps.key, body).toString('base64url')}`,
        expiresAt: new Date(claims.exp * 1000),
      };
    },
    verify: (token) => verifySessionToken(token, deps),
  };
}

export const SessionSettings = z.object({
  /** base64 of at least 32 random bytes; required in production, generated per process elsewhere. */
  TSUNAGI_SESSION_KEY: z.base64().optional(),
  TSUNAGI_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(3_600).default(900),
  NODE_ENV: z.string().optional(),
});

/**
 * The session key and lifetime from the environment. Outside production a missing key is replaced
 * by a random one for this process (`generated: true`): sessions then end when the process does.
 */
export function loadSessionSettings(env: NodeJS.ProcessEnv = process.env): {
  key: Uint8Array;
  ttlMs: number;
  generated: boolean;
} {
  const settings = readEnv(SessionSettings, env);
  const ttlMs = settings.TSUNAGI_SESSION_TTL_SECONDS * 1000;
  if (settings.TSUNAGI_SESSION_KEY === undefined) {
    if (settings.NODE_ENV === 'production')
      throw new TsunagiError('CONFIG_INVALID', 'TSUNAGI_SESSION_KEY is required in production', {
        path: 'TSUNAGI_SESSION_KEY',
      });
    return { key: new Uint8Array(randomBytes(MIN_KEY_BYTES)), ttlMs, generated: true };
  }
  const key = new Uint8Array(Buffer.from(settings.TSUNAGI_SESSION_KEY, 'base64'));
  if (key.length < MIN_KEY_BYTES)
    throw new TsunagiError(
      'CONFIG_INVALID',
      `TSUNAGI_SESSION_KEY must decode to at least ${MIN_KEY_BYTES} bytes`,
      {
        path: 'TSUNAGI_SESSION_KEY',
      },
    );
  return { key, ttlMs, generated: false };
}

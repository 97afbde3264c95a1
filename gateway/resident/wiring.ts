import type { Clock } from '../../core/clock.js';
import type { IdentityHub } from '../../identity/identity-hub.js';
import { createOcspClient } from '../../jpki/ocsp-client.js';
import { startRevocationService } from '../../jpki/revocation-service.js';
import type { EventStore } from '../../platform/event-store.js';
import type { Logger } from '../../platform/logger.js';
import type { ResidentSignInOptions } from '../routes/resident-sign-in.js';
import { createChallengeStore, type SessionLedgerLog } from './challenge-store.js';
import type { SessionLedgerState } from './session-ledger.js';
import { revocableSessions, type SessionRevocations } from './session-revocations.js';
import { createSessionTokens, type SessionTokens } from './session-token.js';
import { loadResidentSignInSettings, requireSharedSessionKey } from './settings.js';

/**
 * Resident sign-in for a gateway process, from JPKI_* and TSUNAGI_SESSION_* (docs/jpki.md):
 * the revocation view fed from the certificate-status topic, OCSP when configured, session
 * tokens bound to the portal PPID. Undefined when no JPKI trust anchor is configured.
 */
export async function residentSignInFromEnv(deps: {
  store: EventStore;
  identity: IdentityHub;
  clock: Clock;
  logger: Logger;
  /** Signed-out sessions: tokens they name are refused (TOKEN_REVOKED). */
  revocations?: SessionRevocations;
  /** The session ledger shared by the instances (session-ledger-kafka.ts); default: memory. */
  ledger?: { state: SessionLedgerState; log: SessionLedgerLog; instance: string };
  /** GATEWAY_INSTANCES: more than one needs the same TSUNAGI_SESSION_KEY on each. */
  instances?: number;
  env?: NodeJS.ProcessEnv;
}): Promise<{ options: ResidentSignInOptions; close(): Promise<void> } | undefined> {
  const env = deps.env ?? process.env;
  if (!env.JPKI_TRUST_ANCHORS) return undefined;
  const { store, identity, clock, logger } = deps;
  const settings = await loadResidentSignInSettings(env);
  requireSharedSessionKey(settings.session, deps.instances ?? 1);
  const revocations = await startRevocationService({ store, clock, logger });
  const ocsp = settings.ocsp ? createOcspClient({ ...settings.ocsp, clock, logger }) : undefined;
  logger.info(
    {
      trustAnchors: settings.trustAnchors.length,
      intermediates: settings.intermediates.length,
      ocsp: settings.ocsp !== undefined,
    },
    'resident sign-in configured',
  );
  return {
    options: {
      clock,
      trustAnchors: settings.trustAnchors,
      intermediates: settings.intermediates,
      challengeTtlMs: settings.challengeTtlMs,
      ...(deps.ledger
        ? { challenges: createChallengeStore({ clock, ttlMs: settings.challengeTtlMs, ...deps.ledger }) }
        : {}),
      revocation: revocations.checker(ocsp),
      certificates: identity.certificates,
      codes: identity.codes,
      sessions: withRevocations(
        createSessionTokens({ key: settings.session.key, ttlMs: settings.session.ttlMs, clock }),
        deps.revocations,
      ),
    },
    close: () => revocations.close(),
  };
}

const withRevocations = (tokens: SessionTokens, revocations: SessionRevocations | undefined) =>
  revocations ? revocableSessions(tokens, revocations) : tokens;

import { z } from 'zod';
import type { Result } from '../../core/result.js';
import { refuse } from '../../core/result.js';
import type { Challenge } from '../../jpki/challenge.js';

/**
 * What the gateway instances share about residents' sign-ins, as events on `gateway-sessions`
 * (docs/gateway.md, "Several instances"): a challenge issued, a challenge spent, a session signed
 * out. Ids, a random nonce and times only: never a certificate, a subject, a PPID or a My Number.
 * JSON, checked by this schema on the way in; the topic is the gateway's own (infra/acls.ts).
 */
const Id = z.string().min(1).max(64);
const Instant = z.iso.datetime();
export const SessionLedgerEvent = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('ChallengeIssued'),
    challengeId: Id,
    /** The challenge's 32 random bytes (base64url): the client is shown them anyway. */
    nonce: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    issuedAt: Instant,
    expiresAt: Instant,
    instance: Id,
  }),
  z.strictObject({
    type: z.literal('ChallengeSpent'),
    challengeId: Id,
    /** Unique per attempt: the instance recognises its own record in log order. */
    spendId: Id,
    instance: Id,
  }),
  z.strictObject({ type: z.literal('SessionRevoked'), sessionId: Id, expiresAt: Instant, instance: Id }),
]);
export type SessionLedgerEvent = z.infer<typeof SessionLedgerEvent>;
type ChallengeEvent = Extract<SessionLedgerEvent, { challengeId: string }>;

/** One challenge as the log has told it so far. */
export interface ChallengeEntry {
  challenge?: Challenge;
  /** The spend id of the FIRST ChallengeSpent record in log order; later ones lose. */
  firstSpend?: string;
}

export function evolveChallenge(entry: ChallengeEntry | undefined, event: ChallengeEvent): ChallengeEntry {
  switch (event.type) {
    case 'ChallengeIssued':
      return {
        ...entry,
        challenge: {
          id: event.challengeId,
          nonce: event.nonce,
          issuedAt: new Date(event.issuedAt),
          expiresAt: new Date(event.expiresAt),
        },
      };
    case 'ChallengeSpent':
      return entry?.firstSpend ? entry : { ...entry, firstSpend: event.spendId };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/**
 * Single use across instances: an attempt (`spendId`) may use the challenge only if the challenge
 * was issued and the attempt's ChallengeSpent record is the first one for it in log order. Both
 * records are keyed by the challenge id, so one partition orders them for every instance alike.
 */
export function decideSpend(
  entry: ChallengeEntry | undefined,
  spendId: string,
): Result<{ challenge: Challenge }, 'CHALLENGE_UNKNOWN'> {
  if (!entry?.challenge || entry.firstSpend !== spendId) return refuse('CHALLENGE_UNKNOWN');
  return { ok: true, challenge: entry.challenge };
}

/** The ledger's rows in this process: challenges by id and signed-out sessions until they expire. */
export interface SessionLedgerState {
  apply(event: SessionLedgerEvent): void;
  challenge(id: string): ChallengeEntry | undefined;
  /** Issued, not yet spent and not expired at `nowMs`. */
  outstanding(nowMs: number): number;
  isRevoked(sessionId: string, nowMs: number): boolean;
  /** Forgets what can no longer matter: expired challenges and revocations of expired tokens. */
  prune(nowMs: number): void;
}

export function sessionLedgerState(): SessionLedgerState {
  const challenges = new Map<string, ChallengeEntry>();
  const revoked = new Map<string, number>();
  const expired = (entry: ChallengeEntry, nowMs: number) =>
    entry.challenge !== undefined && entry.challenge.expiresAt.getTime() < nowMs;
  return {
    apply(event) {
      if (event.type === 'SessionRevoked') {
        const until = Date.parse(event.expiresAt);
        revoked.set(event.sessionId, Math.max(until, revoked.get(event.sessionId) ?? 0));
        return;
      }
      challenges.set(event.challengeId, evolveChallenge(challenges.get(event.challengeId), event));
    },
    challenge: (id) => challenges.get(id),
    outstanding(nowMs) {
      let open = 0;
      for (const entry of challenges.values())
        if (entry.challenge && !entry.firstSpend && !expired(entry, nowMs)) open += 1;
      return open;
    },
    isRevoked(sessionId, nowMs) {
      const until = revoked.get(sessionId);
      return until !== undefined && until > nowMs;
    },
    prune(nowMs) {
      for (const [id, entry] of challenges)
        if (expired(entry, nowMs) || (!entry.challenge && entry.firstSpend)) challenges.delete(id);
      for (const [id, until] of revoked) if (until <= nowMs) revoked.delete(id);
    },
  };
}

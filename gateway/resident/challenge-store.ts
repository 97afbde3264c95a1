import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { TsunagiError } from '../../core/errors.js';
import { type Challenge, issueChallenge } from '../../jpki/challenge.js';
import { decideSpend, type SessionLedgerEvent, type SessionLedgerState } from './session-ledger.js';

/**
 * Where the ledger's events go and how to wait for them: the `gateway-sessions` topic that every
 * gateway instance follows (session-ledger-kafka.ts), or this process's memory (tests, one instance).
 */
export interface SessionLedgerLog {
  /** Resolves once the event is durable where every instance reads it. */
  append(event: SessionLedgerEvent): Promise<void>;
  /** Resolves once this process's state holds every event appended (by anyone) before the call. */
  caughtUp(): Promise<void>;
}

/**
 * Outstanding sign-in challenges, shared by the gateway instances through the ledger. Guarantees: a
 * challenge issued by any instance can be taken on any other, and taken once in all (whatever the
 * sign-in's outcome, so a signature can never be replayed and a guess costs a fresh challenge);
 * `issue` resolves only once the challenge is durable, so every instance can find it.
 */
export interface ChallengeStore {
  issue(): Promise<Challenge>;
  /** The challenge, now spent; undefined when unknown, already taken (here or elsewhere). */
  take(id: string): Promise<Challenge | undefined>;
  outstanding(): number;
}

export function createChallengeStore(deps: {
  clock: Clock;
  ttlMs: number;
  state: SessionLedgerState;
  log: SessionLedgerLog;
  /** This gateway instance, as its events name it. */
  instance: string;
  /** Bound on memory (all instances' challenges); past it `issue` refuses with RATE_LIMITED. */
  maxOutstanding?: number;
  random?: (size: number) => Uint8Array;
  newId?: () => string;
}): ChallengeStore {
  const { state, log, clock, instance } = deps;
  const max = deps.maxOutstanding ?? 10_000;
  const now = () => clock.now().getTime();

  return {
    async issue() {
      // Expired challenges do not count (the ledger's follower prunes them from memory).
      if (state.outstanding(now()) >= max)
        throw new TsunagiError('RATE_LIMITED', 'too many sign-in challenges outstanding; retry shortly', {
          path: '/v1/resident/challenge',
        });
      const challenge = issueChallenge({
        clock,
        ttlMs: deps.ttlMs,
        ...(deps.random ? { random: deps.random } : {}),
        ...(deps.newId ? { newId: deps.newId } : {}),
      });
      await log.append({
        type: 'ChallengeIssued',
        challengeId: challenge.id,
        nonce: challenge.nonce,
        issuedAt: challenge.issuedAt.toISOString(),
        expiresAt: challenge.expiresAt.toISOString(),
        instance,
      });
      return challenge;
    },
    async take(id) {
      // Issued elsewhere moments ago: read up to now before calling it unknown. An id nobody issued
      // (or already spent) appends nothing.
      if (!state.challenge(id)?.challenge) await log.caughtUp();
      const entry = state.challenge(id);
      if (!entry?.challenge || entry.firstSpend) return undefined;
      const spendId = randomUUID();
      await log.append({ type: 'ChallengeSpent', challengeId: id, spendId, instance });
      await log.caughtUp();
      const decided = decideSpend(state.challenge(id), spendId);
      return decided.ok ? decided.challenge : undefined;
    },
    outstanding: () => state.outstanding(now()),
  };
}

/** The ledger kept in this process only: what one instance, and the tests, use. */
export const memorySessionLedgerLog = (state: SessionLedgerState): SessionLedgerLog => ({
  append: async (event) => state.apply(event),
  caughtUp: async () => undefined,
});

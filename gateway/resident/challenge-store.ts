import type { Clock } from '../../core/clock.js';
import { TsunagiError } from '../../core/errors.js';
import { type Challenge, issueChallenge } from '../../jpki/challenge.js';

/**
 * Outstanding sign-in challenges, in memory. Guarantees: a challenge can be taken once (taking
 * removes it, whatever the sign-in's outcome, so a signature can never be replayed and a guess
 * costs a fresh challenge); expired ones are dropped before the store is allowed to refuse new
 * ones. In memory means per gateway instance: behind a load balancer, the challenge and the
 * sign-in must reach the same instance (sticky sessions), or this becomes a shared store.
 */
export interface ChallengeStore {
  issue(): Challenge;
  /** The challenge, removed from the store; undefined when unknown or already taken. */
  take(id: string): Challenge | undefined;
  outstanding(): number;
}

export function createChallengeStore(deps: {
  clock: Clock;
  ttlMs: number;
  /** Bound on memory; past it (after dropping expired ones) `issue` refuses with RATE_LIMITED. */
  maxOutstanding?: number;
  random?: (size: number) => Uint8Array;
  newId?: () => string;
}): ChallengeStore {
  const max = deps.maxOutstanding ?? 10_000;
  const open = new Map<string, Challenge>();

  function dropExpired(): void {
    const now = deps.clock.now().getTime();
    for (const [id, challenge] of open) if (challenge.expiresAt.getTime() < now) open.delete(id);
  }

  return {
    issue() {
      if (open.size >= max) dropExpired();
      if (open.size >= max)
        throw new TsunagiError('RATE_LIMITED', 'too many sign-in challenges outstanding; retry shortly', {
          path: '/v1/resident/challenge',
        });
      const challenge = issueChallenge({
        clock: deps.clock,
        ttlMs: deps.ttlMs,
        ...(deps.random ? { random: deps.random } : {}),
        ...(deps.newId ? { newId: deps.newId } : {}),
      });
      open.set(challenge.id, challenge);
      return challenge;
    },
    take(id) {
      const challenge = open.get(id);
      open.delete(id);
      return challenge;
    },
    outstanding: () => open.size,
  };
}

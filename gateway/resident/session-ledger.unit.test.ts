import { describe, expect, it } from 'vitest';
import { type Clock, fixedClock } from '../../core/clock.js';
import { isTsunagiError } from '../../core/errors.js';
import { createChallengeStore, type SessionLedgerLog } from './challenge-store.js';
import {
  decideSpend,
  evolveChallenge,
  type SessionLedgerEvent,
  type SessionLedgerState,
  sessionLedgerState,
} from './session-ledger.js';
import { ledgerRevocations, revocableSessions } from './session-revocations.js';
import { createSessionTokens } from './session-token.js';
import { requireSharedSessionKey } from './settings.js';

const clock = fixedClock('2026-04-01T09:00:00Z');
const issued = (challengeId: string): SessionLedgerEvent => ({
  type: 'ChallengeIssued',
  challengeId,
  nonce: 'A'.repeat(43),
  issuedAt: '2026-04-01T09:00:00.000Z',
  expiresAt: '2026-04-01T09:02:00.000Z',
  instance: 'a',
});
const spent = (challengeId: string, spendId: string): SessionLedgerEvent => ({
  type: 'ChallengeSpent',
  challengeId,
  spendId,
  instance: spendId,
});
const fold = (events: SessionLedgerEvent[]) =>
  events.reduce(
    (entry, e) => (e.type === 'SessionRevoked' ? entry : evolveChallenge(entry, e)),
    undefined as ReturnType<typeof evolveChallenge> | undefined,
  );

/** One topic partition and the instances following it: each reads up to the end only when it catches up. */
function sharedLog() {
  const records: SessionLedgerEvent[] = [];
  return {
    records,
    instance(state: SessionLedgerState): SessionLedgerLog {
      let read = 0;
      return {
        append: async (event) => void records.push(event),
        async caughtUp() {
          for (; read < records.length; read += 1) state.apply(records[read] as SessionLedgerEvent);
        },
      };
    },
  };
}

function instance(log: ReturnType<typeof sharedLog>, name: string, at: Clock = clock) {
  const state = sessionLedgerState();
  const ledger = log.instance(state);
  return {
    state,
    log: ledger,
    challenges: createChallengeStore({ clock: at, ttlMs: 120_000, state, log: ledger, instance: name }),
    revocations: ledgerRevocations({ state, log: ledger, clock: at, instance: name }),
  };
}

describe('single use of a challenge, decided from the log', () => {
  it('given issued then two spends, when each asks, then only the first spend in log order may use it', () => {
    const entry = fold([issued('c1'), spent('c1', 'on-b'), spent('c1', 'on-a')]);
    expect(decideSpend(entry, 'on-b')).toMatchObject({ ok: true, challenge: { id: 'c1' } });
    expect(decideSpend(entry, 'on-a')).toEqual({ ok: false, reason: 'CHALLENGE_UNKNOWN' });
  });

  it('refuses a spend of a challenge nobody issued (or one forgotten after expiry)', () => {
    expect(decideSpend(fold([spent('c2', 'x')]), 'x')).toEqual({ ok: false, reason: 'CHALLENGE_UNKNOWN' });
    expect(decideSpend(undefined, 'x')).toEqual({ ok: false, reason: 'CHALLENGE_UNKNOWN' });
  });
});

describe('challenges shared by two instances', () => {
  it('a challenge issued on A is taken on B, once: A and B then both refuse it (appending nothing)', async () => {
    const log = sharedLog();
    const [a, b] = [instance(log, 'a'), instance(log, 'b')];
    const challenge = await a.challenges.issue();
    expect(b.state.challenge(challenge.id)).toBeUndefined();
    expect(await b.challenges.take(challenge.id)).toEqual(challenge);
    expect(await a.challenges.take(challenge.id)).toBeUndefined();
    expect(await b.challenges.take(challenge.id)).toBeUndefined();
    expect(log.records.map((r) => `${r.type}:${r.instance}`)).toEqual([
      'ChallengeIssued:a',
      'ChallengeSpent:b',
    ]);
  });

  it('two takes at the same time on A and B: exactly one gets the challenge', async () => {
    const log = sharedLog();
    const [a, b] = [instance(log, 'a'), instance(log, 'b')];
    const { id } = await a.challenges.issue();
    const taken = await Promise.all([a.challenges.take(id), b.challenges.take(id)]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    expect(log.records.filter((r) => r.type === 'ChallengeSpent')).toHaveLength(2);
  });

  it('appends nothing for an id nobody issued', async () => {
    const log = sharedLog();
    expect(await instance(log, 'a').challenges.take('guessed')).toBeUndefined();
    expect(log.records).toEqual([]);
  });

  it('bounds the outstanding challenges of all instances; expired ones are dropped first', async () => {
    const log = sharedLog();
    const now = { value: new Date('2026-04-01T09:00:00Z') };
    const moving: Clock = { now: () => now.value };
    const state = sessionLedgerState();
    const store = createChallengeStore({
      clock: moving,
      ttlMs: 60_000,
      state,
      log: log.instance(state),
      instance: 'a',
      maxOutstanding: 2,
    });
    await store.issue();
    await store.issue();
    await log.instance(state).caughtUp();
    const refused = await store.issue().catch((e: unknown) => e);
    expect(isTsunagiError(refused) && refused.code).toBe('RATE_LIMITED');
    now.value = new Date('2026-04-01T09:01:01Z');
    await expect(store.issue()).resolves.toMatchObject({ id: expect.any(String) });
  });
});

describe('sign-outs shared by two instances', () => {
  const key = new Uint8Array(32).fill(6);

  it('a token signed out on A is refused on A at once, on B once B has read the ledger, until it expires', async () => {
    const log = sharedLog();
    const [a, b] = [instance(log, 'a'), instance(log, 'b')];
    const onA = revocableSessions(createSessionTokens({ key, clock }), a.revocations);
    const onB = revocableSessions(createSessionTokens({ key, clock }), b.revocations);
    const [leaving, staying] = [onA.issue('PP1-v1-a'), onA.issue('PP1-v1-a')];
    const session = onA.verify(leaving.token);
    if (!session.ok) throw new Error(session.reason);
    await a.revocations.revoke(session.session.sessionId, session.session.expiresAt);
    expect(onA.verify(leaving.token)).toEqual({ ok: false, reason: 'TOKEN_REVOKED' });
    expect(onB.verify(leaving.token)).toMatchObject({ ok: true });
    await b.log.caughtUp();
    expect(onB.verify(leaving.token)).toEqual({ ok: false, reason: 'TOKEN_REVOKED' });
    expect(onB.verify(staying.token)).toMatchObject({ ok: true });
    // A restarted instance reads the ledger from the start.
    const restarted = instance(log, 'a2');
    await restarted.log.caughtUp();
    expect(restarted.revocations.isRevoked(session.session.sessionId)).toBe(true);
    expect(b.state.isRevoked(session.session.sessionId, session.session.expiresAt.getTime())).toBe(false);
  });

  it('forgets expired challenges and revocations of expired tokens when pruned', () => {
    const state = sessionLedgerState();
    state.apply(issued('c1'));
    state.apply({
      type: 'SessionRevoked',
      sessionId: 's1',
      expiresAt: '2026-04-01T09:15:00.000Z',
      instance: 'a',
    });
    state.prune(Date.parse('2026-04-01T09:10:00Z'));
    expect(state.challenge('c1')).toBeUndefined();
    expect(state.isRevoked('s1', Date.parse('2026-04-01T09:10:00Z'))).toBe(true);
    state.prune(Date.parse('2026-04-01T09:15:00Z'));
    expect(state.isRevoked('s1', Date.parse('2026-04-01T09:14:00Z'))).toBe(false);
  });
});

describe('the session key of several instances', () => {
  it('refuses a key generated per process when more than one instance answers (CONFIG_INVALID)', () => {
    expect(() => requireSharedSessionKey({ generated: true }, 1)).not.toThrow();
    expect(() => requireSharedSessionKey({ generated: false }, 2)).not.toThrow();
    const refused = (() => {
      try {
        requireSharedSessionKey({ generated: true }, 2);
      } catch (error) {
        return error;
      }
    })();
    expect(isTsunagiError(refused) && [refused.code, refused.path, refused.message]).toEqual([
      'CONFIG_INVALID',
      'TSUNAGI_SESSION_KEY',
      'TSUNAGI_SESSION_KEY must be set, the same on every instance, when GATEWAY_INSTANCES is more than 1',
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import type { InfraConfig } from '../../platform/config.js';
import { type EventStore, openEventStore } from '../../platform/event-store.js';
import { testLogger } from '../../tests/support/infra.js';
import { isolatedTopics } from '../../tests/support/topics.js';
import { createChallengeStore } from './challenge-store.js';
import { startSessionLedger } from './session-ledger-kafka.js';
import { ledgerRevocations } from './session-revocations.js';

/**
 * The session ledger on real Kafka, as two gateway instances use it: each with its own event store
 * under the gateway principal (the ACL table's grants on gateway-sessions and its group prefix) and
 * its own follower. Sign-in across instances, single use under a race, sign-out everywhere, restart.
 */
const logger = testLogger();
let config: InfraConfig;
const stores: EventStore[] = [];
const closers: Array<() => Promise<void>> = [];

async function gatewayInstance(name: string) {
  const store = openEventStore(config, logger, { principal: 'gateway', clientId: `ledger-${name}` });
  stores.push(store);
  const ledger = await startSessionLedger({ store, clock: systemClock, timeoutMs: 30_000 });
  closers.push(ledger.close);
  return {
    ledger,
    challenges: createChallengeStore({ clock: systemClock, ttlMs: 120_000, ...ledger, instance: name }),
    revocations: ledgerRevocations({ ...ledger, clock: systemClock, instance: name }),
  };
}

beforeAll(async () => {
  config = await isolatedTopics('session-ledger');
}, 60_000);

afterAll(async () => {
  for (const close of closers) await close();
  await Promise.all(stores.map((s) => s.close()));
});

describe('the session ledger shared by two gateway instances', () => {
  it('a challenge issued on A is taken on B at once (no wait for the follower), and once only', async () => {
    const [a, b] = [await gatewayInstance('a'), await gatewayInstance('b')];
    for (let round = 0; round < 5; round++) {
      const challenge = await a.challenges.issue();
      expect(await b.challenges.take(challenge.id)).toEqual(challenge);
      expect(await a.challenges.take(challenge.id)).toBeUndefined();
      expect(await b.challenges.take(challenge.id)).toBeUndefined();
    }
  }, 60_000);

  it('the same challenge taken on A and B at the same time: exactly one wins, every round', async () => {
    const [a, b] = [await gatewayInstance('a2'), await gatewayInstance('b2')];
    const winners: number[] = [];
    for (let round = 0; round < 10; round++) {
      const { id } = await (round % 2 === 0 ? a : b).challenges.issue();
      const taken = await Promise.all([a.challenges.take(id), b.challenges.take(id)]);
      winners.push(taken.filter(Boolean).length);
    }
    expect(winners).toEqual(Array(10).fill(1));
  }, 60_000);

  it('a sign-out on A is refused on B once B has read it, and by an instance started afterwards', async () => {
    const [a, b] = [await gatewayInstance('a3'), await gatewayInstance('b3')];
    const expiresAt = new Date(Date.now() + 15 * 60_000);
    await a.revocations.revoke('session-x', expiresAt);
    expect(a.revocations.isRevoked('session-x')).toBe(true);
    await b.ledger.log.caughtUp();
    expect(b.revocations.isRevoked('session-x')).toBe(true);
    expect(b.revocations.isRevoked('session-y')).toBe(false);
    const restarted = await gatewayInstance('a3-restarted');
    expect(restarted.revocations.isRevoked('session-x')).toBe(true);
  }, 60_000);
});

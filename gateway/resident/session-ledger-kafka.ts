import type { Clock } from '../../core/clock.js';
import { CONSUMER_GROUPS } from '../../platform/consumer-groups.js';
import type { EventStore } from '../../platform/event-store.js';
import { caughtUpOrStopped } from '../../platform/follow-topic.js';
import { Topics } from '../../schemas/topics.js';
import type { SessionLedgerLog } from './challenge-store.js';
import { SessionLedgerEvent, type SessionLedgerState, sessionLedgerState } from './session-ledger.js';

const PRUNE_EVERY_MS = 60_000;

/**
 * The session ledger of one gateway instance on `gateway-sessions`: every record from the earliest
 * (a fresh group each start, nothing committed: the state is memory), resolved once caught up, so an
 * instance never answers without the challenges and sign-outs already on the topic. Appends go
 * through the store (acks=all); `caughtUp` waits until this instance has read every record that
 * was acknowledged before the call, BROKER_UNAVAILABLE past `timeoutMs`.
 */
export async function startSessionLedger(deps: {
  store: Pick<EventStore, 'append' | 'follow'>;
  clock: Clock;
  /** Deadline of one append and of one catch-up. */
  timeoutMs: number;
  /** How long past its expiry a challenge is kept (a sign-in in flight still finds it). */
  graceMs?: number;
}): Promise<{ state: SessionLedgerState; log: SessionLedgerLog; close(): Promise<void> }> {
  const { store, timeoutMs } = deps;
  const state = sessionLedgerState();
  const following = await caughtUpOrStopped(
    await store.follow<SessionLedgerEvent>(
      [Topics.gatewaySessions],
      { kind: 'earliest', groupPrefix: CONSUMER_GROUPS.gatewaySessions.prefix },
      (batch) => {
        for (const record of batch.records) if (record.kind === 'event') state.apply(record.event);
      },
      { decode: (value) => SessionLedgerEvent.parse(JSON.parse(value.toString('utf8'))) },
    ),
  );
  const prune = setInterval(
    () => state.prune(deps.clock.now().getTime() - (deps.graceMs ?? PRUNE_EVERY_MS)),
    PRUNE_EVERY_MS,
  );
  prune.unref();
  return {
    state,
    log: {
      async append(event) {
        await store.append(
          [
            {
              topic: Topics.gatewaySessions,
              key: event.type === 'SessionRevoked' ? event.sessionId : event.challengeId,
              value: JSON.stringify(SessionLedgerEvent.parse(event)),
              headers: { 'event-type': event.type },
            },
          ],
          { timeoutMs },
        );
      },
      caughtUp: () => following.catchUp(timeoutMs),
    },
    async close() {
      clearInterval(prune);
      await following.stop();
    },
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { TsunagiError } from '../core/errors.js';

/**
 * Waits until every partition of the topics has a leader. kafkajs's own `waitForLeaders`
 * gives up on the UNKNOWN_TOPIC_OR_PARTITION a broker answers right after creation, so
 * topics are created without it and polled here instead.
 */
export async function waitForTopicLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ready = await admin
      .fetchTopicMetadata({ topics })
      .then(
        (m) =>
          m.topics.length === topics.length &&
          m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)),
      )
      .catch(() => false);
    if (ready) return;
    await sleep(100);
  }
  throw new TsunagiError(
    'BROKER_UNAVAILABLE',
    `topics have no leaders after ${timeoutMs} ms: ${topics.join(', ')}`,
  );
}

import { setTimeout as sleep } from 'node:timers/promises';
import { agencyTopic } from '../consumers/notification-publisher.js';
import { BUNDLED_SUBSCRIPTIONS_PATH, loadSubscriptionsFile } from '../consumers/subscriptions.js';
import type { InfraConfig } from '../platform/config.js';
import { createKafka } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';

/**
 * How many notifications each subscribed agency has on its own topic: the subscription
 * service sends only what the legal basis allows, under the agency's own codes, and records
 * each in the trail first. Waits until the counts stop growing (at most 30 s).
 */
export async function demoNotifications(config: InfraConfig, logger: Logger): Promise<Map<string, number>> {
  const { subscriptions } = await loadSubscriptionsFile(BUNDLED_SUBSCRIPTIONS_PATH);
  const agencies = [...new Set(subscriptions.map((s) => s.agencyId))];
  const admin = createKafka(config, logger, { principal: 'admin' }).admin();
  await admin.connect();
  const counts = new Map<string, number>();
  try {
    const topics = new Set(await admin.listTopics());
    let last = -1;
    for (let waited = 0; waited < 30_000; waited += 1_000) {
      let total = 0;
      for (const agency of agencies) {
        const topic = agencyTopic(config.TOPIC_PREFIX, agency);
        if (!topics.has(topic)) for (const t of await admin.listTopics()) topics.add(t);
        // A topic the subscription service has just created may have no leader yet: count it next round.
        const count = topics.has(topic)
          ? await admin
              .fetchTopicOffsets(topic)
              .then((offsets) => offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0))
              .catch(() => 0)
          : 0;
        counts.set(agency, count);
        total += count;
      }
      if (total > 0 && total === last) break;
      last = total;
      await sleep(1_000);
    }
  } finally {
    await admin.disconnect();
  }
  for (const [agency, count] of counts)
    console.log(
      `  ${agency.padEnd(22)} ${String(count).padStart(5)} notifications on ${agencyTopic(config.TOPIC_PREFIX, agency)}`,
    );
  return counts;
}

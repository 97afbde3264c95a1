import { setTimeout as sleep } from 'node:timers/promises';
import { agencyTopic } from '../consumers/notification-publisher.js';
import { DEFAULT_DELIVERY } from '../consumers/subscription-service.js';
import type { InfraConfig } from '../platform/config.js';
import { createKafka } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import { BUNDLED_SUBSCRIPTIONS_PATH, loadSubscriptionsFile } from '../policy/subscriptions.js';

/**
 * How many notifications each subscribed agency has on its own topic: the subscription
 * service sends only what the legal basis allows, under the agency's own codes, and records
 * each in the trail first (the count includes eligibility notices, which the notices service
 * delivers on the same topics, docs/notices.md). Waits until the counts stop growing for longer than a delivery round
 * can take (DEFAULT_DELIVERY.roundWaitMs and a second), at most 60 s.
 */
export async function demoNotifications(config: InfraConfig, logger: Logger): Promise<Map<string, number>> {
  const { subscriptions } = await loadSubscriptionsFile(BUNDLED_SUBSCRIPTIONS_PATH);
  const agencies = [...new Set(subscriptions.map((s) => s.agencyId))];
  const admin = createKafka(config, logger, { principal: 'admin' }).admin();
  await admin.connect();
  const counts = new Map<string, number>();
  try {
    const topics = new Set(await admin.listTopics());
    // A topic the service has just created may not have a leader yet: count it as it was.
    const countOf = async (topic: string, agency: string) => {
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
      } catch (error) {
        if ((error as { retriable?: boolean }).retriable !== true) throw error;
        return counts.get(agency) ?? 0;
      }
    };
    let last = -1;
    let stableMs = 0;
    for (let waited = 0; waited < 60_000; waited += 1_000) {
      let total = 0;
      for (const agency of agencies) {
        const topic = agencyTopic(config.TOPIC_PREFIX, agency);
        if (!topics.has(topic)) for (const t of await admin.listTopics()) topics.add(t);
        const count = topics.has(topic) ? await countOf(topic, agency) : 0;
        counts.set(agency, count);
        total += count;
      }
      stableMs = total > 0 && total === last ? stableMs + 1_000 : 0;
      if (stableMs > DEFAULT_DELIVERY.roundWaitMs) break;
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

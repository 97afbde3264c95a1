import type { Kafka } from 'kafkajs';

/** Resolves once every topic exists and holds at least its wanted number of records; throws after `ms`. */
export async function waitForCounts(kafka: Kafka, topics: Map<string, number>, ms = 60_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (
      const deadline = Date.now() + ms;
      Date.now() < deadline;
      await new Promise((r) => setTimeout(r, 250))
    ) {
      const existing = new Set(await admin.listTopics());
      let done = true;
      for (const [topic, wanted] of topics) {
        if (!existing.has(topic)) done = false;
        else {
          // A topic just created by the publisher may have no leader yet: look again next round.
          const offsets = await admin.fetchTopicOffsets(topic).catch(() => undefined);
          const count = offsets?.reduce((n, o) => n + Number(o.high) - Number(o.low), 0) ?? 0;
          if (count < wanted) done = false;
        }
      }
      if (done) return;
    }
    throw new Error('records did not arrive in time');
  } finally {
    await admin.disconnect();
  }
}

import type { Kafka } from 'kafkajs';
import { latencySummary, perSecond } from '../harness/stats.js';

/**
 * Raw kafkajs produce with acks=all: `concurrency` callers, each sending one record and waiting for
 * its acknowledgement before the next, for `seconds`. The ceiling of "one answer, one trail record"
 * with the client library alone: no batching beyond what kafkajs does, no idempotence.
 */
export async function rawProduce(
  kafka: Kafka,
  target: { topic: string; key: string; value: Buffer },
  concurrency: number,
  seconds: number,
) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const latencies: number[] = [];
  const began = performance.now();
  const until = began + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const sent = performance.now();
        await producer.send({
          topic: target.topic,
          acks: -1,
          messages: [{ key: target.key, value: target.value }],
        });
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const elapsed = performance.now() - began;
  await producer.disconnect();
  return { perSecond: perSecond(latencies.length, elapsed), ...latencySummary(latencies) };
}

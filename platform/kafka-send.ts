import {
  type Admin,
  type CompressionTypes,
  type Kafka,
  type Message,
  Partitioners,
  type PartitionMetadata,
  type Producer,
  type RecordMetadata,
} from 'kafkajs';

/**
 * Retries of a producer that must ride out the loss of one broker of a cluster: the dead broker stays
 * the partitions' leader until the controller fences it (broker.session.timeout.ms, 9 s) and elects
 * new leaders, so retries span about 30 s (300 ms doubling to 5 s, ten times) instead of kafkajs's ~9 s.
 * A caller that must answer sooner (the trail recorder: 503 within its timeout) gives up on its append
 * by its own deadline (platform/event-store.ts); the request goes on and may still land.
 */
export const FAILOVER_RETRY = { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 } as const;

/** What one call sends: messages per topic, as kafkajs's `sendBatch` takes them. */
export interface TopicMessages {
  topic: string;
  messages: Message[];
}

export interface PartitionedSend {
  topicMessages: readonly TopicMessages[];
  acks: -1;
  timeout?: number;
  compression?: CompressionTypes;
}

/**
 * Sends through a kafkajs producer so that every produce request carries ONE partition.
 *
 * Why: kafkajs 2.2.4 (`producer/sendMessages.js`) retries a multi-partition send by skipping every
 * broker that already answered an earlier attempt. When a broker dies and a partition it led moves to a
 * broker that had answered, that partition's records are never sent again, yet the send resolves as
 * acknowledged: silent loss (seen with a SIGKILLed broker of the three-node cluster: 62 events of one
 * partition gone from a 100 000-row ingest, tests/fault/broker-ingest.fault.test.ts). When the broker
 * connections are replaced, it also re-sends partitions already acknowledged, with new sequence numbers
 * (duplicates). A send of one partition has one leader per attempt, so neither can happen; the
 * idempotent producer's retries of that one partition stay exact.
 *
 * Guarantees: each message goes to the partition kafkajs's default (Java-compatible murmur2)
 * partitioner picks for its key, so placement is unchanged; messages of one partition keep their
 * order in one request; the call resolves only when every partition's request was acknowledged
 * (acks=all), and otherwise rejects with the first failure after every request has settled.
 */
export function createPartitionedSender(kafka: Kafka) {
  const partitioner = Partitioners.DefaultPartitioner();
  const metadata = new Map<string, Promise<PartitionMetadata[]>>();
  let admin: Promise<Admin> | undefined;

  const partitionsOf = (topic: string): Promise<PartitionMetadata[]> => {
    let known = metadata.get(topic);
    if (!known) {
      known = (async () => {
        admin ??= (async () => {
          const made = kafka.admin();
          await made.connect();
          return made;
        })().catch((error: unknown) => {
          admin = undefined;
          throw error;
        });
        // A topic created a moment ago may not be in every broker's metadata yet: ask again, briefly.
        for (let attempt = 0; ; attempt++) {
          try {
            const { topics } = await (await admin).fetchTopicMetadata({ topics: [topic] });
            const partitions = topics[0]?.partitions ?? [];
            if (partitions.length > 0) return partitions;
            if (attempt >= 5) throw new Error(`topic ${topic} has no partitions in the metadata`);
          } catch (error) {
            if (attempt >= 5) throw error;
          }
          await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** Math.min(attempt, 4)));
        }
      })();
      // A failed look-up is asked again next time (the topic may be created meanwhile).
      known.catch(() => metadata.delete(topic));
      metadata.set(topic, known);
    }
    return known;
  };

  return {
    /** `placed` learns each message's partition (positions are worked out from it). */
    async send(
      producer: Producer,
      request: PartitionedSend,
      placed?: (message: Message, partition: number) => void,
    ): Promise<RecordMetadata[]> {
      const groups = new Map<string, { topic: string; partition: number; messages: Message[] }>();
      for (const { topic, messages } of request.topicMessages) {
        const partitionMetadata = await partitionsOf(topic);
        for (const message of messages) {
          const partition = partitioner({ topic, partitionMetadata, message });
          placed?.(message, partition);
          const key = `${topic}\u0000${partition}`;
          const group = groups.get(key) ?? { topic, partition, messages: [] };
          group.messages.push({ ...message, partition });
          groups.set(key, group);
        }
      }
      const settled = await Promise.allSettled(
        [...groups.values()].map((g) =>
          producer.send({
            topic: g.topic,
            messages: g.messages,
            acks: request.acks,
            ...(request.timeout === undefined ? {} : { timeout: request.timeout }),
            ...(request.compression === undefined ? {} : { compression: request.compression }),
          }),
        ),
      );
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      return settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
    },
    async close(): Promise<void> {
      const made = admin;
      admin = undefined;
      metadata.clear();
      await (await made?.catch(() => undefined))?.disconnect();
    },
  };
}
export type PartitionedSender = ReturnType<typeof createPartitionedSender>;

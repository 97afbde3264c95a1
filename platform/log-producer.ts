import { CompressionTypes, type Kafka, type Message, type Producer } from 'kafkajs';
import { isTsunagiError, TsunagiError } from '../core/errors.js';
import { createPartitionedSender, FAILOVER_RETRY } from './kafka-send.js';
import type { Logger } from './logger.js';
import { assignPositions, type LogPosition } from './positions.js';

/** One record ready for the broker: full topic name, key, encoded value. */
export interface ProducerRecord {
  topic: string;
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
  /** Record timestamp (CreateTime) in epoch milliseconds; default: when it is sent. */
  timestamp?: number;
}

export interface LogProducer {
  /** One produce request with acks=all; one position per record, in order. */
  send(records: readonly ProducerRecord[]): Promise<LogPosition[]>;
  close(): Promise<void>;
}

export interface LogProducerOptions {
  /** How long the broker may take to acknowledge one request (acks=all); default 30 s. */
  requestTimeoutMs?: number;
  /** kafkajs ships GZIP only; default none (see docs/event-store.md). */
  compression?: 'none' | 'gzip';
}

/**
 * THE producer configuration of Tsunagi, and the only place a Kafka producer is made. Idempotent
 * (the broker drops a retried batch it already has), one request in flight (so retries never reorder),
 * acks=all on every request (a record is acknowledged only once every in-sync replica has it).
 *
 * Every produce request carries one partition (kafka-send.ts: kafkajs 2.2.4 loses or duplicates records
 * of a multi-partition request retried across a broker failover). Retries are bounded (about 30 s, past
 * a leader election), so an append that cannot succeed (a missing topic, an unreachable broker) fails
 * instead of blocking every later append behind it for long. kafkajs warns that bounded retries
 * "may invalidate EoS guarantees": the danger is a batch that failed on the client but landed on the
 * broker, whose sequence number a later batch would reuse and be dropped as its duplicate. A send that
 * was not acknowledged therefore retires its producer: the next send gets a new producer id and fresh
 * sequence numbers. That kafkajs notice is dropped by the log creator (platform/kafka.ts) for this reason.
 */
export function createLogProducer(
  kafka: Kafka,
  logger: Logger,
  options: LogProducerOptions = {},
): LogProducer {
  const log = logger.child({ component: 'log-producer' });
  // One partition per produce request: kafkajs's multi-partition retry can lose records (kafka-send.ts).
  const sender = createPartitionedSender(kafka);
  // Where each record went, to work out its offset from its partition's base offset.
  const chosen = new WeakMap<Message, number>();

  let producer: Promise<Producer> | undefined;
  const connected = (): Promise<Producer> => {
    producer ??= (async () => {
      const made = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // About 30 s: past a dead broker's fencing and the election of new leaders (kafka-send.ts).
        retry: FAILOVER_RETRY,
      });
      try {
        await made.connect();
      } catch (cause) {
        await made.disconnect().catch(() => undefined);
        throw cause;
      }
      return made;
    })();
    return producer;
  };
  const retire = (failed: Promise<Producer> | undefined) => {
    if (producer !== failed) return;
    producer = undefined;
    void failed?.then((p) => p.disconnect()).catch(() => undefined);
  };

  return {
    async send(records) {
      if (records.length === 0) return [];
      const current = connected();
      const messages = records.map((r) => ({
        key: r.key,
        value: r.value,
        ...(r.headers ? { headers: r.headers } : {}),
        ...(r.timestamp === undefined ? {} : { timestamp: String(r.timestamp) }),
      }));
      const byTopic = new Map<string, Message[]>();
      records.forEach((r, i) => {
        const sent = byTopic.get(r.topic) ?? [];
        sent.push(messages[i] as Message);
        byTopic.set(r.topic, sent);
      });
      try {
        const acks = await sender.send(
          await current,
          {
            topicMessages: [...byTopic].map(([topic, sent]) => ({ topic, messages: sent })),
            acks: -1,
            timeout: options.requestTimeoutMs ?? 30_000,
            compression: options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
          },
          (message, partition) => chosen.set(message, partition),
        );
        return assignPositions(
          records.map((r, i) => ({ topic: r.topic, partition: chosen.get(messages[i] as Message) ?? -1 })),
          acks,
        );
      } catch (cause) {
        retire(current);
        log.warn({ records: records.length, err: { message: String(cause) } }, 'append not acknowledged');
        throw isTsunagiError(cause)
          ? cause
          : new TsunagiError('BROKER_UNAVAILABLE', `${records.length} record(s) were not acknowledged`, {
              cause,
            });
      }
    },
    async close() {
      await sender.close().catch(() => undefined);
      const made = producer;
      producer = undefined;
      // A connect still retrying against an unreachable broker is not waited for beyond a second.
      const disconnected = made?.then((p) => p.disconnect()).catch(() => undefined);
      await Promise.race([disconnected, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    },
  };
}

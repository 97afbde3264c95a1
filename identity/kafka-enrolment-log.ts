import type { Kafka } from 'kafkajs';
import { TsunagiError } from '../core/errors.js';
import { producerSlot } from '../platform/kafka-producer.js';
import { createPartitionedSender, FAILOVER_RETRY } from '../platform/kafka-send.js';
import type { Logger } from '../platform/logger.js';
import { readToEnd } from '../platform/read-to-end.js';
import type { AgencyCodeIssued, CertificateBound, EventLog, IdentityEnrolled } from './event-log.js';
import {
  agencyCodeIssuedCodec,
  certificateBoundCodec,
  type EventCodec,
  identityEnrolledCodec,
  type RecordWire,
} from './identity-codecs.js';

export interface KafkaEventLog<E> extends EventLog<E> {
  close(): Promise<void>;
}

interface KafkaEventLogOptions<E> {
  kafka: Kafka;
  /** Full topic name, prefix included. */
  topic: string;
  codec: EventCodec<E>;
  keyOf(event: E): string;
  logger: Logger;
}

/**
 * An EventLog on one Kafka topic. `append` resolves after the idempotent producer's send with
 * acks=all was acknowledged. `replay` reads every partition from its earliest offset up to the end
 * offset seen when it was called, with a throw-away consumer group, and commits nothing.
 */
export function createKafkaEventLog<E>(options: KafkaEventLogOptions<E>): KafkaEventLog<E> {
  const { kafka, topic, codec, keyOf, logger } = options;
  // One partition per produce request: kafkajs's multi-partition retry can drop records (platform/kafka-send.ts).
  const sender = createPartitionedSender(kafka);
  // Retired after a failed send: kafkajs would reuse its sequence numbers (platform/kafka-producer.ts).
  const producer = producerSlot(kafka, { idempotent: true, maxInFlightRequests: 1, retry: FAILOVER_RETRY });

  // Appends made while a send is in flight go out together in the next send: one round trip
  // for many enrolments. Each caller still resolves only once its own entry is acknowledged.
  // Encoding may wait for the registry (first schema id lookup); the queue keeps append order.
  type Message = { key: string; value: Buffer };
  type Pending = { message: Promise<Message>; resolve(): void; reject(error: unknown): void };
  let queue: Pending[] = [];
  let _sending: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const encoded: Array<{ pending: Pending; message: Message }> = [];
      try {
        const batch = queue;
        queue = [];
        const settled = await Promise.allSettled(batch.map((p) => p.message));
        for (const [i, result] of settled.entries()) {
          const pending = batch[i] as Pending;
          if (result.status === 'fulfilled') encoded.push({ pending, message: result.value });
          else pending.reject(result.reason);
        }
        if (encoded.length > 0) {
          await producer.use((ready) =>
            sender.send(ready, {
              topicMessages: [{ topic, messages: encoded.map((e) => e.message) }],
              acks: -1,
            }),
          );
        }
        for (const { pending } of encoded) pending.resolve();
      } catch (cause) {
        const failed = encoded.length > 0 ? encoded.map((e) => e.pending) : queue.splice(0);
        const error = new TsunagiError('BROKER_UNAVAILABLE', `append to ${topic} was not acknowledged`, {
          cause,
        });
        for (const p of failed) p.reject(error);
      }
    }
  };

  return {
    append(event) {
      return new Promise<void>((resolve, reject) => {
        const message = codec.encode(event).then((value) => ({ key: keyOf(event), value }));
        message.catch(() => undefined); // reported to this caller by drain, not as an unhandled rejection
        queue.push({ message, resolve, reject });
        _sending ??= drain().finally(() => {
          _sending = undefined;
        });
      });
    },

    async replay(onEntry) {
      await readToEnd(
        kafka,
        topic,
        async (message) => {
          if (message.value) await onEntry(await codec.decode(message.value));
        },
        'tsunagi-identity-replay',
      );
      logger.info({ topic }, 'event log replayed');
    },

    async close() {
      await sender.close();
      await producer.close(30_000);
    },
  };
}

type IdentityLogOptions = { kafka: Kafka; topic: string; wire: RecordWire; logger: Logger };

/** The vault's log: topic `identity-enrolments`, registry-framed, keyed by the hex keyed hash. */
export const createKafkaEnrolmentLog = ({ wire, ...options }: IdentityLogOptions) =>
  createKafkaEventLog<IdentityEnrolled>({
    ...options,
    codec: identityEnrolledCodec(wire),
    keyOf: (event) => event.keyedHash.toString('hex'),
  });

/** The code map's log: topic `agency-codes`, registry-framed, keyed by the holder (agency or service) id. */
export const createKafkaAgencyCodeLog = ({ wire, ...options }: IdentityLogOptions) =>
  createKafkaEventLog<AgencyCodeIssued>({
    ...options,
    codec: agencyCodeIssuedCodec(wire),
    keyOf: (event) => event.agencyId,
  });

/** The certificate bindings' log: topic `certificate-bindings`, keyed by the hex keyed hash of the certificate name. */
export const createKafkaCertificateBindingLog = ({ wire, ...options }: IdentityLogOptions) =>
  createKafkaEventLog<CertificateBound>({
    ...options,
    codec: certificateBoundCodec(wire),
    keyOf: (event) => event.keyedHash.toString('hex'),
  });

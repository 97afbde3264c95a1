import type { Kafka, Producer } from 'kafkajs';
import { TsunagiError } from '../core/errors.js';
import type { Logger } from '../platform/logger.js';
import { readToEnd } from '../platform/read-to-end.js';
import type { AgencyCodeIssued, CertificateBound, EventLog, IdentityEnrolled } from './event-log.js';
import {
  agencyCodeIssuedCodec,
  certificateBoundCodec,
  type EventCodec,
  identityEnrolledCodec,
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
  let producer: Promise<Producer> | undefined;
  const connectedProducer = () => {
    producer ??= (async () => {
      const made = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await made.connect();
      return made;
    })();
    return producer;
  };

  // Appends made while a send is in flight go out together in the next send: one round trip
  // for many enrolments. Each caller still resolves only once its own entry is acknowledged.
  type Pending = { message: { key: string; value: Buffer }; resolve(): void; reject(error: unknown): void };
  let queue: Pending[] = [];
  let _sending: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      let batch: Pending[] = [];
      try {
        const ready = await connectedProducer();
        batch = queue;
        queue = [];
        await ready.send({ topic, acks: -1, messages: batch.map((p) => p.message) });
        for (const p of batch) p.resolve();
      } catch (cause) {
        producer = undefined;
        const failed = batch.length > 0 ? batch : queue.splice(0);
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
        queue.push({ message: { key: keyOf(event), value: codec.encode(event) }, resolve, reject });
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
          if (message.value) await onEntry(codec.decode(message.value));
        },
        'tsunagi-identity-replay',
      );
      logger.info({ topic }, 'event log replayed');
    },

    async close() {
      const ready = producer;
      producer = undefined;
      if (ready) await (await ready).disconnect();
    },
  };
}

/** The vault's log: topic `identity-enrolments`, keyed by the hex keyed hash. */
export const createKafkaEnrolmentLog = (options: { kafka: Kafka; topic: string; logger: Logger }) =>
  createKafkaEventLog<IdentityEnrolled>({
    ...options,
    codec: identityEnrolledCodec,
    keyOf: (event) => event.keyedHash.toString('hex'),
  });

/** The code map's log: topic `agency-codes`, keyed by the holder (agency or service) id. */
export const createKafkaAgencyCodeLog = (options: { kafka: Kafka; topic: string; logger: Logger }) =>
  createKafkaEventLog<AgencyCodeIssued>({
    ...options,
    codec: agencyCodeIssuedCodec,
    keyOf: (event) => event.agencyId,
  });

/** The certificate bindings' log: topic `certificate-bindings`, keyed by the hex keyed hash of the certificate name. */
export const createKafkaCertificateBindingLog = (options: { kafka: Kafka; topic: string; logger: Logger }) =>
  createKafkaEventLog<CertificateBound>({
    ...options,
    codec: certificateBoundCodec,
    keyOf: (event) => event.keyedHash.toString('hex'),
  });

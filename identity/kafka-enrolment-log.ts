import { isTsunagiError } from '../core/errors.js';
import { CONSUMER_GROUPS } from '../platform/consumer-groups.js';
import type { EventStore } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';
import type { TopicName } from '../schemas/topics.js';
import { Topics } from '../schemas/topics.js';
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

interface StoreEventLogOptions<E> {
  store: Pick<EventStore, 'append' | 'follow'>;
  topic: TopicName;
  codec: (wire: RecordWire) => EventCodec<E>;
  keyOf(entry: E): string;
  logger: Logger;
}

type Decoded<E> = { entry: E } | { refused: unknown };

/**
 * An EventLog on one topic of the event store. `append` resolves after the record was acknowledged
 * with acks=all (the store's queue sends concurrent enrolments together; each caller still waits for
 * its own). `replay` reads every partition from its earliest offset up to the end offsets seen when it
 * was called, under a throw-away group, and commits nothing; a record that is not one of this log's
 * (another schema, unframed bytes) stops the replay with that error instead of being misread or skipped.
 */
export function createStoreEventLog<E>(options: StoreEventLogOptions<E>): KafkaEventLog<E> {
  const { store, topic, codec, keyOf, logger } = options;
  return {
    async append(entry) {
      await store.append([{ topic, key: keyOf(entry), value: (wire) => codec(wire).encode(entry) }]);
    },

    async replay(onEntry) {
      const decode = async (value: Buffer, wire: RecordWire): Promise<Decoded<E>> => {
        try {
          return { entry: await codec(wire).decode(value) };
        } catch (refused) {
          if (isTsunagiError(refused) && refused.retriable) throw refused;
          return { refused };
        }
      };
      const following = await store.follow<Decoded<E>>(
        [topic],
        { kind: 'earliest', groupPrefix: CONSUMER_GROUPS.identityReplay.prefix },
        async (batch) => {
          for (const record of batch.records) {
            if (record.kind !== 'event') continue;
            if ('refused' in record.event) throw record.event.refused;
            await onEntry(record.event.entry);
          }
        },
        { decode, until: 'caught-up' },
      );
      await following.done;
      logger.info({ topic }, 'event log replayed');
    },

    // The store belongs to the process; it closes it.
    close: async () => undefined,
  };
}

type IdentityLogOptions = { store: Pick<EventStore, 'append' | 'follow'>; logger: Logger };

/** The vault's log: topic `identity-enrolments`, registry-framed, keyed by the hex keyed hash. */
export const createKafkaEnrolmentLog = (options: IdentityLogOptions) =>
  createStoreEventLog<IdentityEnrolled>({
    ...options,
    topic: Topics.identityEnrolments,
    codec: identityEnrolledCodec,
    keyOf: (event) => event.keyedHash.toString('hex'),
  });

/** The code map's log: topic `agency-codes`, registry-framed, keyed by the holder (agency or service) id. */
export const createKafkaAgencyCodeLog = (options: IdentityLogOptions) =>
  createStoreEventLog<AgencyCodeIssued>({
    ...options,
    topic: Topics.agencyCodes,
    codec: agencyCodeIssuedCodec,
    keyOf: (event) => event.agencyId,
  });

/** The certificate bindings' log: topic `certificate-bindings`, keyed by the hex keyed hash of the certificate name. */
export const createKafkaCertificateBindingLog = (options: IdentityLogOptions) =>
  createStoreEventLog<CertificateBound>({
    ...options,
    topic: Topics.certificateBindings,
    codec: certificateBoundCodec,
    keyOf: (event) => event.keyedHash.toString('hex'),
  });

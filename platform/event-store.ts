import type { Admin, Kafka } from 'kafkajs';
import { TsunagiError } from '../core/errors.js';
import { eventKey, type TsunagiEvent, topicOf } from '../schemas/events.js';
import { type TopicRef, type TopicSpec, topicName } from '../schemas/topics.js';
import { createAppendQueue } from './append-queue.js';
import type { InfraConfig } from './config.js';
import { createEventWire, type EventWire } from './event-wire.js';
import { createKafka, type KafkaClientOptions } from './kafka.js';
import { createLogProducer, type LogProducerOptions, type ProducerRecord } from './log-producer.js';
import {
  type BatchHandler,
  type FollowFrom,
  type Following,
  type FollowOptions,
  follow,
} from './log-reader.js';
import type { Logger } from './logger.js';
import type { LogPosition } from './positions.js';
import { provisionTopics } from './topic-provisioning.js';
import { undecodableRecordLetter } from './undecodable-letter.js';

export type {
  BatchContext,
  BatchHandler,
  FollowFrom,
  Following,
  ReadBatch,
  ReadRecord,
} from './log-reader.js';
export type { LogPosition } from './positions.js';

/**
 * The one appendable shape: a record for a topic. Domain events become one through `eventRecord`
 * (or are passed to `append` as they are); the identity topics' framed records and the trail
 * checkpoints' signed-note text are written as records directly.
 */
export interface LogRecord {
  /** Topic suffix (schemas/topics.ts); TOPIC_PREFIX, or an override, gives the full name. */
  topic: TopicRef;
  key: string;
  /** The value, or how to encode it with the store's wire (framed Avro needs a registry lookup). */
  value: Buffer | string | ((wire: EventWire) => Promise<Buffer>);
  headers?: Record<string, string>;
  /** Record timestamp (CreateTime); default: when it is sent. */
  timestamp?: Date;
}

export type Appendable = TsunagiEvent | LogRecord;

/** A domain event as a record: its subject's topic (a notification: its recipient's), `eventKey`, framed Avro. */
export const eventRecord = (event: TsunagiEvent, options: { timestamp?: Date } = {}): LogRecord => ({
  topic: topicOf(event),
  key: eventKey(event),
  value: (wire) => wire.encode(event),
  headers: { 'event-type': event.type, 'event-id': event.envelope.eventId },
  ...options,
});

const isRecord = (entry: Appendable): entry is LogRecord => 'topic' in entry && 'key' in entry;

/**
 * The one way to write and read the log (docs/event-store.md).
 *
 * `append` guarantees: it resolves only once every entry was acknowledged by all in-sync replicas
 * (acks=all), with each entry's position, in order; entries of all callers go out in call order through
 * one idempotent producer with one request in flight, so one key's records keep their order and a
 * retried request is never written twice; concurrent callers share produce requests. Otherwise it
 * rejects with BROKER_UNAVAILABLE ("not acknowledged") within `timeoutMs`, and entries not yet sent
 * then are never sent; an entry in flight at that instant may still land (appending it again is safe:
 * event ids are deterministic or checked by every reader). An entry that cannot be encoded rejects
 * the call with the encoder's error (INPUT_INVALID) and nothing of the call is sent after it.
 */
export interface EventStore {
  append(entries: readonly Appendable[], options?: { timeoutMs?: number }): Promise<LogPosition[]>;
  /** The catch-up-and-follow reader over topic suffixes (platform/log-reader.ts). */
  follow<E = TsunagiEvent>(
    topics: readonly TopicRef[],
    from: FollowFrom,
    handler: BatchHandler<E>,
    options?: StoreFollowOptions<E>,
  ): Promise<Following>;
  /** The full name of a topic. */
  topic(ref: TopicRef): string;
  /** A topic's partitions with their earliest and end offsets (the end: acknowledged by all in-sync replicas). */
  offsets(ref: TopicRef): Promise<Array<{ partition: number; low: string; high: string }>>;
  /** Creates topics that do not exist yet and brings existing ones to their spec (once per name and store). */
  ensureTopics(
    specs: ReadonlyArray<Omit<TopicSpec, 'key' | 'description'>>,
    replicationFactor: number,
  ): Promise<void>;
  close(): Promise<void>;
}

/** As the reader's options; a decoder of the caller's gets the store's wire (framed records). */
export type StoreFollowOptions<E> = Omit<FollowOptions<E>, 'decode'> & {
  decode?: (value: Buffer, wire: EventWire) => E | Promise<E>;
};

export interface EventStoreDeps extends LogProducerOptions {
  /** A client made by platform/kafka.ts for this process's principal. */
  kafka: Kafka;
  wire: EventWire;
  topicPrefix: string;
  /** Full names that replace `<prefix><suffix>` (a deployment's own trail topic, a test's topic). */
  topicNames?: Partial<Record<TopicRef, string>>;
  logger: Logger;
  /** Default deadline of an append; default 30 s. */
  appendTimeoutMs?: number;
  /**
   * When set, a record a reader of this store cannot decode is dead-lettered under this producer name
   * (platform/undecodable-letter.ts) before its batch's position advances; unset (agencies' own
   * readers, tools), it is only logged. The principal needs WRITE on the dead-letter topic.
   */
  deadLetterProducer?: string;
  /** How long entries are collected before one produce request; default 2 ms. */
  lingerMs?: number;
  /** At most this many entries, and about this many bytes, per produce request; defaults 500, 900 kB. */
  maxBatch?: number;
  maxBatchBytes?: number;
}

/**
 * The event store of a process that runs as `principal`, on the configured brokers, registry and
 * TOPIC_PREFIX: what a service's main, a CLI or a script opens once and closes on its way out.
 */
export function openEventStore(
  config: InfraConfig,
  logger: Logger,
  options: KafkaClientOptions & Omit<Partial<EventStoreDeps>, 'kafka' | 'logger'>,
): EventStore {
  const { principal, clientId, requestTimeout, connectionTimeout, ...store } = options;
  const kafka = createKafka(config, logger, {
    principal,
    ...(clientId ? { clientId } : {}),
    ...(requestTimeout ? { requestTimeout } : {}),
    ...(connectionTimeout ? { connectionTimeout } : {}),
  });
  return createEventStore({
    kafka,
    wire: createEventWire(config),
    topicPrefix: config.TOPIC_PREFIX,
    logger,
    ...store,
  });
}

export function createEventStore(deps: EventStoreDeps): EventStore {
  const { kafka, wire, logger } = deps;
  const topic = (ref: TopicRef) => deps.topicNames?.[ref] ?? topicName(deps.topicPrefix, ref);
  const producer = createLogProducer(kafka, logger, deps);
  const queue = createAppendQueue<ProducerRecord, LogPosition>({
    flush: (records) => producer.send(records),
    sizeOf: (record) => record.value.length + record.key.length,
    timeoutError: (ms) => new TsunagiError('BROKER_UNAVAILABLE', `not acknowledged within ${ms} ms`),
    onLate: (position) => logger.warn({ position }, 'record acknowledged after its caller gave up'),
    lingerMs: deps.lingerMs ?? 2,
    maxEntries: deps.maxBatch ?? 500,
    maxBytes: deps.maxBatchBytes ?? 900_000,
  });
  const prepare = async (entry: Appendable): Promise<ProducerRecord> => {
    const record = isRecord(entry) ? entry : eventRecord(entry);
    const { value } = record;
    return {
      topic: topic(record.topic),
      key: record.key,
      value: typeof value === 'function' ? await value(wire) : Buffer.from(value),
      ...(record.headers ? { headers: record.headers } : {}),
      ...(record.timestamp ? { timestamp: record.timestamp.getTime() } : {}),
    };
  };
  const ensured = new Set<string>();
  let admin: Promise<Admin> | undefined;
  const connectedAdmin = (): Promise<Admin> => {
    admin ??= (async () => {
      const made = kafka.admin();
      await made.connect();
      return made;
    })();
    admin.catch(() => {
      admin = undefined;
    });
    return admin;
  };

  const append: EventStore['append'] = (entries, options = {}) =>
    queue.add(entries.map(prepare), { timeoutMs: options.timeoutMs ?? deps.appendTimeoutMs ?? 30_000 });

  return {
    append,
    follow: (topics, from, handler, options = {}) => {
      const { decode, ...rest } = options;
      // Without a decoder of the caller's, records are domain events.
      const decoder = decode ? (value: Buffer) => decode(value, wire) : (value: Buffer) => wire.decode(value);
      const producer = deps.deadLetterProducer;
      const handled: typeof handler = producer
        ? async (batch, context) => {
            const letters = batch.records.flatMap((r) =>
              r.kind === 'rejected'
                ? [undecodableRecordLetter(r.position, r.code, producer, new Date())]
                : [],
            );
            // Before the batch's position advances: nothing read is lost, even what could not be read.
            if (letters.length > 0) await append(letters);
            await handler(batch, context);
          }
        : handler;
      return follow({ kafka, logger, decode: decoder as never }, topics.map(topic), from, handled, rest);
    },
    topic,
    async offsets(ref) {
      try {
        return await (await connectedAdmin()).fetchTopicOffsets(topic(ref));
      } catch (cause) {
        throw new TsunagiError('BROKER_UNAVAILABLE', `the offsets of ${topic(ref)} could not be read`, {
          cause,
        });
      }
    },
    async ensureTopics(specs, replicationFactor) {
      const missing = specs.filter((spec) => !ensured.has(spec.name));
      if (missing.length === 0) return;
      const { created } = await provisionTopics(
        await connectedAdmin(),
        deps.topicPrefix,
        replicationFactor,
        missing,
        logger,
      );
      if (created.length > 0) logger.info({ topics: created }, 'topics created');
      for (const spec of missing) ensured.add(spec.name);
    },
    async close() {
      queue.close(new TsunagiError('BROKER_UNAVAILABLE', 'the event store is closed'));
      await Promise.allSettled([producer.close(), admin?.then((a) => a.disconnect())]);
    },
  };
}

import {
  type ICustomPartitioner,
  type Kafka,
  type Message,
  Partitioners,
  type RecordMetadata,
} from 'kafkajs';
import { isTsunagiError, TsunagiError } from '../core/errors.js';
import type { EventWire } from '../platform/event-wire.js';
import { producerSlot } from '../platform/kafka-producer.js';
import type { Logger } from '../platform/logger.js';
import type { DisclosureRecorded } from '../schemas/events.js';
import { assignPositions, type TrailPosition } from './positions.js';

export type { TrailPosition } from './positions.js';

/**
 * Appends disclosure records to the access trail. "No trail, no answer": `record` resolves only
 * after the broker acknowledged THIS record with acks=all, with its position; otherwise it rejects
 * with TRAIL_UNAVAILABLE within `timeoutMs`, and the caller must not disclose.
 */
export interface DisclosureRecorder {
  record(event: DisclosureRecorded): Promise<TrailPosition>;
  close(): Promise<void>;
}

export interface RecorderDeps {
  kafka: Kafka;
  wire: EventWire;
  /** Full topic name of the access trail. */
  topic: string;
  logger: Logger;
  /** How long a caller waits for its acknowledgement; default 5 s. */
  timeoutMs?: number;
  /** How long records are collected before one produce request; default 2 ms. */
  lingerMs?: number;
  /** At most this many records per produce request; default 500. */
  maxBatch?: number;
}

interface Pending {
  message: Message;
  /** Settles when `message.value` is set, or the record was rejected. */
  encoded: Promise<void>;
  settled: boolean;
  resolve(position: TrailPosition): void;
  reject(error: TsunagiError): void;
}

const unavailable = (message: string, cause?: unknown): TsunagiError =>
  new TsunagiError('TRAIL_UNAVAILABLE', message, cause === undefined ? {} : { cause });

/**
 * Guarantees: one idempotent producer (one request in flight, so retries neither duplicate nor
 * reorder), replaced by a new one after a failed send (whose records may still land: a new producer
 * id keeps the next records from being taken for their retry); records of concurrent callers are sent together but each caller hears only about its
 * own record; a record whose caller already gave up before it was sent is not sent at all (its
 * answer was refused, so the trail must not claim a disclosure). A record in flight when its caller
 * gives up may still land in the trail: the trail may over-state, never under-state, disclosures.
 */
export function createDisclosureRecorder(deps: RecorderDeps): DisclosureRecorder {
  const { kafka, wire, topic } = deps;
  const logger = deps.logger.child({ component: 'trail-recorder' });
  const timeoutMs = deps.timeoutMs ?? 5_000;
  const lingerMs = deps.lingerMs ?? 2;
  const maxBatch = deps.maxBatch ?? 500;

  // kafkajs chooses partitions inside send(); remember its choice to work out each record's offset.
  const chosenPartition = new WeakMap<Message, number>();
  const createPartitioner: ICustomPartitioner = () => {
    const partition = Partitioners.DefaultPartitioner();
    return (args) => {
      const chosen = partition(args);
      chosenPartition.set(args.message, chosen);
      return chosen;
    };
  };

  // Retired after a failed send, so a record whose request timed out but landed anyway can never
  // make the broker take the NEXT records for its retry (platform/kafka-producer.ts).
  const producer = producerSlot(kafka, {
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
  });

  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing = false;
  let closed = false;

  async function send(batch: Pending[]): Promise<void> {
    let acks: RecordMetadata[];
    try {
      acks = await producer.use((ready) =>
        ready.send({ topic, acks: -1, timeout: timeoutMs, messages: batch.map((p) => p.message) }),
      );
    } catch (cause) {
      for (const p of batch) p.reject(unavailable('the access trail did not acknowledge the record', cause));
      logger.error({ records: batch.length, err: { message: String(cause) } }, 'trail append failed');
      return;
    }
    let positions: TrailPosition[];
    try {
      positions = assignPositions(
        batch.map((p) => chosenPartition.get(p.message) ?? -1),
        acks,
      );
    } catch (cause) {
      for (const p of batch) p.reject(unavailable('the access trail acknowledgement was incomplete', cause));
      return;
    }
    batch.forEach((p, i) => {
      if (p.settled)
        logger.warn({ position: positions[i] }, 'trail record acknowledged after its caller gave up');
      else p.resolve(positions[i] as TrailPosition);
    });
  }

  async function flush(): Promise<void> {
    timer = undefined;
    if (flushing) return;
    flushing = true;
    try {
      while (queue.length > 0) {
        const next = queue.slice(0, maxBatch);
        queue = queue.slice(maxBatch);
        await Promise.all(next.map((p) => p.encoded));
        const live = next.filter((p) => !p.settled);
        if (live.length > 0) await send(live);
      }
    } finally {
      flushing = false;
    }
  }

  const schedule = () => {
    if (queue.length >= maxBatch) void flush();
    else timer ??= setTimeout(() => void flush(), lingerMs);
  };

  return {
    record(event) {
      if (closed) return Promise.reject(unavailable('the trail recorder is closed'));
      // Queued at once, so records go to the trail in call order; the deadline covers encoding
      // (a schema registry lookup) as well as the broker's acknowledgement.
      return new Promise<TrailPosition>((resolve, reject) => {
        const deadline = setTimeout(() => {
          pending.reject(unavailable(`the access trail did not acknowledge within ${timeoutMs} ms`));
        }, timeoutMs);
        const pending: Pending = {
          message: {
            key: event.data.linkageId,
            value: null,
            headers: { 'event-type': event.type, 'event-id': event.envelope.eventId },
          },
          encoded: wire.encode(event).then(
            (value) => {
              pending.message.value = value;
            },
            (cause: unknown) =>
              pending.reject(
                isTsunagiError(cause) && cause.code === 'INPUT_INVALID'
                  ? cause
                  : unavailable('the disclosure record could not be encoded for the trail', cause),
              ),
          ),
          settled: false,
          resolve(position) {
            if (pending.settled) return;
            pending.settled = true;
            clearTimeout(deadline);
            resolve(position);
          },
          reject(error) {
            if (pending.settled) return;
            pending.settled = true;
            clearTimeout(deadline);
            reject(error);
          },
        };
        queue.push(pending);
        schedule();
      });
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const p of queue) p.reject(unavailable('the trail recorder is closed'));
      queue = [];
      // A connect still retrying against an unreachable broker is not waited for beyond a second.
      await producer.close(1_000);
    },
  };
}

import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InfraConfig } from '../platform/config.js';
import { createEventWire } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import type { DeadLetterRecorded, TsunagiEvent } from '../schemas/events.js';
import { anEvent } from '../schemas/testing/events.js';
import { Topics, topicName } from '../schemas/topics.js';
import { FUZZ_SEED, fuzzRuns } from '../tests/support/fuzz.js';
import { quietLogger, testKafka, testStore } from '../tests/support/infra.js';
import { readTopic } from '../tests/support/read-topic.js';
import { isolatedTopics } from '../tests/support/topics.js';
import { createEventStore, type EventStore } from './event-store.js';

/**
 * Seeded fuzzing of Kafka input (issue 16, item 5): valid events mixed with random bytes, a wrong
 * magic byte, unknown schema ids, truncated frames and frames with damaged Avro bodies, produced raw
 * to resident-records and read through the one reader as the projector reads it (its principal, its
 * group prefix). Every record is either handled as an event or dead-lettered by its position (none of
 * its bytes copied), in order; the reader never stops and catches up with the end of every partition.
 */
const CASES = fuzzRuns<unknown>('kafka-input', 2000, 'platform/undecodable.fuzz.int.test.ts').numRuns ?? 2000;
let config: InfraConfig;
let store: EventStore;

type Kind = 'valid' | 'random' | 'wrong-magic' | 'unknown-schema' | 'truncated' | 'damaged-body';
const record = fc.record({
  kind: fc.constantFrom<Kind>(
    'valid',
    'valid',
    'random',
    'wrong-magic',
    'unknown-schema',
    'truncated',
    'damaged-body',
  ),
  bytes: fc.uint8Array({ maxLength: 200 }),
  at: fc.nat(),
  flip: fc.integer({ min: 1, max: 255 }),
  key: fc.string({ maxLength: 12 }),
});
type FuzzRecord = typeof record extends fc.Arbitrary<infer T> ? T : never;

/** Of each kind, whether the reader must refuse it (a damaged body may still decode to some event). */
const MUST_REFUSE: Record<Kind, boolean | undefined> = {
  valid: false,
  random: undefined,
  'wrong-magic': true,
  'unknown-schema': true,
  truncated: true,
  'damaged-body': undefined,
};

function bytesOf(r: FuzzRecord, valid: Buffer): Buffer {
  switch (r.kind) {
    case 'valid':
      return valid;
    case 'random':
      return Buffer.from(r.bytes);
    case 'wrong-magic':
      return Buffer.concat([Buffer.from([r.flip]), valid.subarray(1)]);
    case 'unknown-schema': {
      const framed = Buffer.from(valid);
      framed.writeUInt32BE(900_000_000 + (r.at % 1_000_000), 1);
      return framed;
    }
    case 'truncated':
      return valid.subarray(0, Math.min(4, r.at % 5) + (r.at % 2 ? 0 : Math.floor(valid.length / 3)));
    case 'damaged-body': {
      const damaged = Buffer.from(valid);
      const at = 5 + (r.at % Math.max(1, damaged.length - 5));
      damaged[at] = (damaged[at] ?? 0) ^ r.flip;
      return damaged;
    }
  }
}

beforeAll(async () => {
  config = await isolatedTopics('fuzz-kafka');
  const logger = quietLogger();
  // The projector's own principal: its ACL row must let it write the dead letters.
  store = createEventStore({
    kafka: createKafka(config, logger, { principal: 'projector', clientId: 'tsunagi-fuzz' }),
    wire: createEventWire(config),
    topicPrefix: config.TOPIC_PREFIX,
    logger,
    deadLetterProducer: 'projector',
  });
});
afterAll(async () => store?.close());

describe('Kafka input, fuzzed', () => {
  it('handles every record as an event or dead-letters it by position, in order, and never stalls', async () => {
    const records = fc.sample(record, { seed: FUZZ_SEED, numRuns: CASES });
    const wire = createEventWire(config);
    const topic = topicName(config.TOPIC_PREFIX, Topics.residentRecords);
    const sent: Array<{ kind: Kind; eventId: string }> = [];
    const messages = await Promise.all(
      records.map(async (r, n) => {
        const eventId = `evt-fuzz-${randomUUID()}`;
        const valid = Buffer.from(
          await wire.encode(
            anEvent('ResidentRecordChanged', { envelope: { eventId }, data: { sequence: n + 1 } }),
          ),
        );
        sent.push({ kind: r.kind, eventId });
        return { key: `k-${r.key}-${n % 7}`, value: bytesOf(r, valid), headers: { n: String(n) } };
      }),
    );
    const producer = testKafka(config).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    // One partition per request (platform/kafka-send.ts); here all to partition 0, in order.
    for (let i = 0; i < messages.length; i += 500)
      await producer.send({
        topic,
        acks: -1,
        messages: messages.slice(i, i + 500).map((m) => ({ ...m, partition: 0 })),
      });
    await producer.disconnect();

    const seen: Array<{ n: number; outcome: 'event' | 'rejected'; event?: TsunagiEvent }> = [];
    const reading = await store.follow(
      [Topics.residentRecords],
      { kind: 'earliest', groupPrefix: 'tsunagi-projection-fuzz-' },
      (batch) => {
        for (const r of batch.records)
          if (r.kind !== 'tombstone')
            seen.push({
              n: Number(r.headers.n),
              outcome: r.kind === 'event' ? 'event' : 'rejected',
              ...(r.kind === 'event' ? { event: r.event } : {}),
            });
      },
      { until: 'caught-up' },
    );
    await reading.done;

    expect(seen.map((s) => s.n)).toEqual(records.map((_, n) => n));
    const letters = await readTopic(testKafka(config), topicName(config.TOPIC_PREFIX, Topics.deadLetters));
    const decodedLetters = await Promise.all(
      letters.map(async (m) => (await wire.decode(m.value as Buffer)) as DeadLetterRecorded),
    );
    const lettered = new Set(decodedLetters.map((l) => Number(l.data.source.split(':').at(-1))));
    const counts: Record<string, number> = {};
    for (const s of seen) {
      const kind = sent[s.n]?.kind as Kind;
      counts[`${kind}:${s.outcome}`] = (counts[`${kind}:${s.outcome}`] ?? 0) + 1;
      if (MUST_REFUSE[kind] === true) expect(s.outcome, `${kind} #${s.n}`).toBe('rejected');
      if (MUST_REFUSE[kind] === false) expect(s.event?.envelope.eventId).toBe(sent[s.n]?.eventId);
      // Offsets equal the sending order here: one partition, one producer, nothing else on the topic.
      expect(lettered.has(s.n), `dead letter of #${s.n}`).toBe(s.outcome === 'rejected');
    }
    console.log(`fuzzed Kafka input by kind and outcome (seed ${FUZZ_SEED})`, counts);
    for (const letter of decodedLetters) {
      expect(letter.data.originalBytes.length).toBe(0);
      expect(letter.data.originalKey).toBeNull();
      expect(letter.envelope.producer).toBe('projector');
    }
    expect(decodedLetters.length).toBe(seen.filter((s) => s.outcome === 'rejected').length);
    // A replay meets the same records and gives the same letters (ids from the positions).
    const again = testStore(config, { deadLetterProducer: 'projector', logger: quietLogger() });
    try {
      const replay = await again.follow(
        [Topics.residentRecords],
        { kind: 'earliest', groupPrefix: 'replay-' },
        () => undefined,
        {
          until: 'caught-up',
        },
      );
      await replay.done;
    } finally {
      await again.close();
    }
    const after = await readTopic(testKafka(config), topicName(config.TOPIC_PREFIX, Topics.deadLetters));
    const ids = await Promise.all(
      after.map(async (m) => (await wire.decode(m.value as Buffer)).envelope.eventId),
    );
    // The replay appended each letter again, under the same id.
    expect(ids.length).toBe(2 * decodedLetters.length);
    expect(new Set(ids).size).toBe(decodedLetters.length);
  }, 600_000);
});

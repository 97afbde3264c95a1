import type { Admin, Kafka } from 'kafkajs';
import type { AgencyCodeIssued } from '../../identity/event-log.js';
import { agencyCodeIssuedCodec } from '../../identity/identity-codecs.js';
import { kafkaAclTable } from '../../infra/provision.js';
import { provisionAcls } from '../../infra/provision-acls.js';
import type { EventWire } from '../../platform/event-wire.js';
import { createLogger } from '../../platform/logger.js';
import { eventKey, type TsunagiEvent } from '../../schemas/events.js';
import { type ProjectionTopics, projectionTopics } from '../catalogue.js';
import { currentGeneration } from '../generations.js';
import { OFFSETS, openStoreAt } from '../store.js';

/**
 * Helpers for the projection integration tests (real Kafka and registry). The topics get the ACL
 * table's grants, so a projector child process runs under its own principal as in production.
 */
export async function createProjectionTopics(
  admin: Admin,
  prefix: string,
  partitions = 3,
): Promise<ProjectionTopics> {
  const topics = projectionTopics(prefix);
  await admin.createTopics({
    waitForLeaders: true,
    topics: Object.values(topics).map((topic) => ({
      topic,
      numPartitions: partitions,
      replicationFactor: 1,
    })),
  });
  await provisionAcls(admin, await kafkaAclTable(), prefix, createLogger({ level: 'silent' }));
  return topics;
}

export async function produceEvents(
  kafka: Kafka,
  wire: EventWire,
  topic: string,
  events: readonly TsunagiEvent[],
) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < events.length; i += 2000) {
      const chunk = events.slice(i, i + 2000);
      const messages = [];
      // Sequential: the first encode per subject looks its schema id up; the rest hit the cache.
      for (const event of chunk) messages.push({ key: eventKey(event), value: await wire.encode(event) });
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

export async function produceAgencyCodes(
  kafka: Kafka,
  wire: EventWire,
  topic: string,
  events: readonly AgencyCodeIssued[],
) {
  const codec = agencyCodeIssuedCodec(wire);
  const messages = [];
  for (const event of events) messages.push({ key: event.agencyId, value: await codec.encode(event) });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
}

/** Offsets committed with the current generation's state, read as another process would (read-only). */
export async function storedOffsets(storeRoot: string, projection: string): Promise<Map<string, string>> {
  const generation = currentGeneration(storeRoot, projection);
  if (!generation) return new Map();
  const store = openStoreAt(generation, { tables: [], readOnly: true });
  try {
    return new Map(store.read.range<string>(OFFSETS, { prefix: '' }).map((e) => [e.key, e.value]));
  } finally {
    await store.close();
  }
}

export const reached = (offsets: ReadonlyMap<string, string>, ends: ReadonlyMap<string, string>): boolean =>
  [...ends].every(([tp, end]) => BigInt(offsets.get(tp) ?? '0') >= BigInt(end));

export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
  what = 'condition',
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A store's tables as comparable text (bigint and bytes spelled out). */
export const comparable = (dump: unknown): string =>
  JSON.stringify(dump, (_key, value) => (typeof value === 'bigint' ? `${value}n` : value));

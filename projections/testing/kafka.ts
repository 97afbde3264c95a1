import type { Admin } from 'kafkajs';
import type { AgencyCodeIssued } from '../../identity/event-log.js';
import { agencyCodeIssuedCodec } from '../../identity/identity-codecs.js';
import { kafkaAclTable } from '../../infra/provision.js';
import { provisionAcls } from '../../infra/provision-acls.js';
import type { EventStore } from '../../platform/event-store.js';
import { createLogger } from '../../platform/logger.js';
import { partitionKey } from '../../platform/positions.js';
import { OFFSETS } from '../../platform/view.js';
import type { TsunagiEvent } from '../../schemas/events.js';
import { type TopicRef, Topics, topicName } from '../../schemas/topics.js';
import { PROJECTION_NAMES, VIEWS } from '../catalogue.js';
import { currentGeneration } from '../generations.js';
import { openStoreAt } from '../store.js';

/** Every topic a view reads. */
export const VIEW_TOPICS = [...new Set(PROJECTION_NAMES.flatMap((name) => VIEWS[name].topics))];

/**
 * Helpers for the projection integration tests (real Kafka and registry). The views' topics are
 * created under `prefix` with the ACL table's grants, so a projector child process runs under its
 * own principal as in production. Returns the full topic names.
 */
export async function createViewTopics(admin: Admin, prefix: string, partitions = 3): Promise<string[]> {
  const topics = VIEW_TOPICS.map((topic) => topicName(prefix, topic));
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
  });
  await provisionAcls(admin, await kafkaAclTable(), prefix, createLogger({ level: 'silent' }));
  return topics;
}

/** Appends events through the event store, in chunks (the store batches them further). */
export async function produceEvents(store: Pick<EventStore, 'append'>, events: readonly TsunagiEvent[]) {
  for (let i = 0; i < events.length; i += 2000) await store.append(events.slice(i, i + 2000));
}

/** Appends AgencyCodeIssued records to `agency-codes`, framed by identity's codec. */
export async function produceAgencyCodes(
  store: Pick<EventStore, 'append'>,
  events: readonly AgencyCodeIssued[],
) {
  await store.append(
    events.map((event) => ({
      topic: Topics.agencyCodes,
      key: event.agencyId,
      value: (wire) => agencyCodeIssuedCodec(wire).encode(event),
    })),
  );
}

/** `topic/partition` → end offset, for the partitions of these topics that hold records. */
export async function endOffsets(
  store: Pick<EventStore, 'offsets' | 'topic'>,
  topics: readonly TopicRef[],
): Promise<Map<string, string>> {
  const ends = new Map<string, string>();
  for (const topic of topics)
    for (const p of await store.offsets(topic))
      if (BigInt(p.high) > BigInt(p.low)) ends.set(partitionKey(store.topic(topic), p.partition), p.high);
  return ends;
}

/** Offsets committed with the current generation's state, read as another process would (read-only). */
export async function storedOffsets(storeRoot: string, projection: string): Promise<Map<string, string>> {
  const generation = currentGeneration(storeRoot, projection);
  if (!generation) return new Map();
  const store = openStoreAt(generation, { readOnly: true });
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

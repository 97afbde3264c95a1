import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { evolve } from '../core/consent/decider.js';
import type { Consent, ConsentEvent } from '../core/consent/types.js';
import type { EventWire } from '../platform/event-wire.js';
import type { Logger } from '../platform/logger.js';
import { toConsentEvent } from '../projections/consents.js';
import type { TsunagiEvent } from '../schemas/events.js';
import type { ConsentReadModel } from './ports.js';

/**
 * The consents topic in memory: each consent's events (its stream, for `handleCommand`) and its
 * state folded with core/consent's `evolve`, by resident. Applying an event twice (once right after
 * its own publication, again from the topic) changes nothing: events are kept once per event id and
 * `evolve` is idempotent. Rebuilt from the topic at start. Issue 11 replaces it by the projector's view.
 */
export interface ConsentView extends ConsentReadModel {
  apply(event: TsunagiEvent): void;
  consent(consentId: string): Consent | undefined;
  /** The consent's events in topic order (grant, revocation, uses). */
  readStream(consentId: string): readonly ConsentEvent[];
}

export function createConsentView(): ConsentView {
  const byId = new Map<string, Consent>();
  const streams = new Map<string, ConsentEvent[]>();
  const seen = new Set<string>();
  const byResident = new Map<string, string[]>();
  return {
    apply(event) {
      const consentEvent = toConsentEvent(event);
      if (!consentEvent || seen.has(event.envelope.eventId)) return;
      seen.add(event.envelope.eventId);
      const { consentId, linkageId } = consentEvent.data;
      const stream = streams.get(consentId) ?? [];
      stream.push(consentEvent);
      streams.set(consentId, stream);
      const next = evolve(byId.get(consentId) ?? null, consentEvent);
      if (next === null) return;
      if (!byId.has(consentId)) byResident.set(linkageId, [...(byResident.get(linkageId) ?? []), consentId]);
      byId.set(consentId, next);
    },
    consentsOf: (linkageId) =>
      (byResident.get(linkageId) ?? [])
        .map((id) => byId.get(id))
        .filter((c): c is Consent => c !== undefined),
    consent: (consentId) => byId.get(consentId),
    readStream: (consentId) => streams.get(consentId) ?? [],
  };
}

/**
 * Keeps a consent view current from the consents topic: reads it from the beginning under a fresh
 * group (nothing committed; the view is memory) and resolves once caught up with the end offsets
 * seen at start, so the gateway answers only with a complete view.
 */
export async function followConsents(deps: {
  kafka: Kafka;
  wire: EventWire;
  topic: string;
  view: ConsentView;
  logger: Logger;
}): Promise<{ consumer: Consumer; stop(): Promise<void> }> {
  const admin = deps.kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(deps.topic).finally(() => admin.disconnect());
  const remaining = new Map(
    ends.filter((e) => BigInt(e.high) > 0n).map((e) => [e.partition, BigInt(e.high)]),
  );
  const consumer = deps.kafka.consumer({ groupId: `gateway-consents-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: deps.topic, fromBeginning: true });
  let caughtUp: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    caughtUp = resolve;
  });
  if (remaining.size === 0) caughtUp();
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (message.value) {
        try {
          deps.view.apply(await deps.wire.decode(message.value));
        } catch (error) {
          deps.logger.error(
            { partition, offset: message.offset, err: { message: String(error) } },
            'consent event skipped',
          );
        }
      }
      const end = remaining.get(partition);
      if (end !== undefined && BigInt(message.offset) + 1n >= end) {
        remaining.delete(partition);
        if (remaining.size === 0) caughtUp();
      }
    },
  });
  await ready;
  return { consumer, stop: () => consumer.disconnect() };
}

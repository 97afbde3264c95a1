import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { evolve } from '../core/consent/decider.js';
import type { Consent, ConsentEvent } from '../core/consent/types.js';
import type { EventWire } from '../platform/event-wire.js';
import type { Logger } from '../platform/logger.js';
import type { TsunagiEvent } from '../schemas/events.js';
import type { ConsentReadModel } from './ports.js';

/**
 * The consent view in memory: every consent by resident, folded with core/consent's `evolve`
 * (idempotent, so applying an event both right after its own publication and again from the topic
 * changes nothing). Rebuilt from the consents topic at start; replace by the lmdb projection of
 * projections/ when it exists.
 */
export interface ConsentView extends ConsentReadModel {
  apply(event: TsunagiEvent): void;
  consent(consentId: string): Consent | undefined;
}

export function toConsentEvent(event: TsunagiEvent): ConsentEvent | undefined {
  if (event.type === 'ConsentGranted')
    return { type: 'ConsentGranted', data: event.data, envelope: event.envelope };
  if (event.type === 'ConsentRevoked')
    return { type: 'ConsentRevoked', data: event.data, envelope: event.envelope };
  return undefined;
}

export function createConsentView(): ConsentView {
  const byId = new Map<string, Consent>();
  const byResident = new Map<string, string[]>();
  return {
    apply(event) {
      const consentEvent = toConsentEvent(event);
      if (!consentEvent) return;
      const { consentId, linkageId } = consentEvent.data;
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

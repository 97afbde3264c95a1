import type { Kafka } from 'kafkajs';
import { evolve } from '../core/consent/decider.js';
import type { Consent, ConsentEvent } from '../core/consent/types.js';
import type { EventWire } from '../platform/event-wire.js';
import { followTopic } from '../platform/follow-topic.js';
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
 * Keeps a consent view current from the consents topic (platform/follow-topic.ts): read from the
 * beginning, resolved once caught up, so the gateway answers only with a complete view.
 */
export function followConsents(deps: {
  kafka: Kafka;
  wire: EventWire;
  topic: string;
  view: ConsentView;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  return followTopic({
    ...deps,
    groupPrefix: 'gateway-consents-',
    onEvent: (event) => deps.view.apply(event),
    what: 'consent',
  });
}

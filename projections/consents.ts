import { type Consent, type ConsentEvent, evolve as evolveConsent } from '../core/consent/index.js';
import { key, type ViewDefinition, type ViewReader } from '../platform/view.js';
import type { TsunagiEvent } from '../schemas/events.js';
import { Topics } from '../schemas/topics.js';

export const consentKey = (linkageId: string, consentId: string): string => key(linkageId, consentId);

/** The consent decider's view of a consents-topic event; undefined for any other event. */
export function toConsentEvent(event: TsunagiEvent): ConsentEvent | undefined {
  switch (event.type) {
    case 'ConsentGranted':
      return { type: 'ConsentGranted', data: event.data, envelope: event.envelope };
    case 'ConsentRevoked':
      return { type: 'ConsentRevoked', data: event.data, envelope: event.envelope };
    case 'ConsentUsed':
      return { type: 'ConsentUsed', data: event.data, envelope: event.envelope };
    default:
      return undefined;
  }
}

/**
 * THE consents view: one row per (resident, consent id), folded by core/consent's own `evolve` (first
 * grant and first revocation win; uses count by number), so the view and the decider can never
 * disagree and a repeated event changes nothing. Rows are keyed by the event's linkage id: a
 * revocation or use naming another resident's consent finds nothing and changes nothing. The
 * projector keeps it in lmdb; the gateway runs it in memory (read-your-writes after its own append).
 */
export const consentsView: ViewDefinition<Consent> = {
  name: 'consents',
  version: 1,
  topics: [Topics.consents],
  keyOf(event) {
    const consent = toConsentEvent(event);
    return consent && consentKey(consent.data.linkageId, consent.data.consentId);
  },
  evolve(row, event) {
    const consent = toConsentEvent(event);
    return consent ? (evolveConsent(row ?? null, consent) ?? undefined) : row;
  },
};

/** Every consent the resident ever granted (any status), in grant order. */
export const consentsOf = (rows: ViewReader<Consent>, linkageId: string): Consent[] =>
  rows
    .range({ prefix: key(linkageId, '') })
    .map((entry) => entry.value)
    .sort((a, b) => a.grantedAt.getTime() - b.grantedAt.getTime() || a.consentId.localeCompare(b.consentId));

/**
 * A consent's stream as the view knows it, compacted: its grant, its revocation, its latest use.
 * Folding it with `evolve` gives the row back (what `handleCommand` decides on).
 */
export function consentStream(consent: Consent | undefined): ConsentEvent[] {
  if (!consent) return [];
  const { grantedAt, uses, revoked, ...granted } = consent;
  const { consentId, linkageId } = consent;
  return [
    { type: 'ConsentGranted', data: granted, envelope: { occurredAt: grantedAt } },
    ...(revoked
      ? [
          {
            type: 'ConsentRevoked' as const,
            data: { consentId, linkageId, reason: revoked.reason },
            envelope: { occurredAt: revoked.at },
          },
        ]
      : []),
    ...(uses > 0
      ? [
          {
            type: 'ConsentUsed' as const,
            data: { consentId, linkageId, useNumber: uses },
            envelope: { occurredAt: grantedAt },
          },
        ]
      : []),
  ];
}

import { type Consent, type ConsentEvent, evolve as evolveConsent } from '../core/consent/index.js';
import type { TsunagiEvent } from '../schemas/events.js';
import { type ApplyOutcome, key, type Projection, type StoreTx } from './projection.js';

/** One row per (resident, consent id): the consent's state folded by core/consent's `evolve`. */
export const CONSENTS = 'consents';

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
 * Folds ConsentGranted / ConsentRevoked / ConsentUsed with the consent decider's own `evolve` (first
 * grant and first revocation win; uses count by number), so the view and the decider can never
 * disagree. Rows are keyed by the event's linkage id: a revocation or use naming another resident's
 * consent finds nothing and changes nothing.
 */
export function applyConsent(event: TsunagiEvent, tx: StoreTx): ApplyOutcome {
  const consentEvent = toConsentEvent(event);
  if (consentEvent === undefined) return { outcome: 'ignored' };
  const rowKey = consentKey(consentEvent.data.linkageId, consentEvent.data.consentId);
  const before = tx.get<Consent>(CONSENTS, rowKey) ?? null;
  const after = evolveConsent(before, consentEvent);
  if (after === before || after === null) return { outcome: 'duplicate' };
  tx.put(CONSENTS, rowKey, after);
  return { outcome: 'applied' };
}

export const consentProjection = (topic: string): Projection<TsunagiEvent> => ({
  name: 'consents',
  topics: [topic],
  tables: [CONSENTS],
  apply: (event, tx) => applyConsent(event, tx),
});

import { type Consent, type ConsentEvent, evolve as evolveConsent } from '../core/consent/index.js';
import type { TsunagiEvent } from '../schemas/events.js';
import { type ApplyOutcome, key, type Projection, type StoreTx } from './projection.js';

/** One row per (resident, consent id): the consent's state folded by core/consent's `evolve`. */
export const CONSENTS = 'consents';

export const consentKey = (linkageId: string, consentId: string): string => key(linkageId, consentId);

/**
 * Folds ConsentGranted / ConsentRevoked with the consent decider's own `evolve` (first grant and
 * first revocation win), so the view and the decider can never disagree. Rows are keyed by the
 * event's linkage id: a revocation naming another resident's consent finds nothing and changes nothing.
 */
export function applyConsent(event: TsunagiEvent, tx: StoreTx): ApplyOutcome {
  let consentEvent: ConsentEvent;
  switch (event.type) {
    case 'ConsentGranted':
      consentEvent = { type: 'ConsentGranted', data: event.data, envelope: event.envelope };
      break;
    case 'ConsentRevoked':
      consentEvent = { type: 'ConsentRevoked', data: event.data, envelope: event.envelope };
      break;
    default:
      return { outcome: 'ignored' };
  }
  const rowKey = consentKey(event.data.linkageId, event.data.consentId);
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

import { assertNever } from '../core/errors.js';
import { revocationKey } from './pki.js';
import type { CertificateStatusEvent, RevocationReason, RevocationSource } from './revocation.js';

/**
 * The revocation view: a projection of the `certificate-status` topic. Immutable; `evolve`
 * returns a new view. Guarantees: applying the same event twice changes nothing, and a
 * revocation, once seen, is kept with its earliest revocation time (a later re-publication
 * cannot move it).
 */
export interface RevocationView {
  readonly revoked: ReadonlyMap<string, { since: Date; reason: RevocationReason; source: RevocationSource }>;
  /** Per issuer: the validity window of the newest CRL ingested. */
  readonly coverage: ReadonlyMap<string, { thisUpdate: Date; nextUpdate: Date }>;
}

export const emptyRevocationView: RevocationView = { revoked: new Map(), coverage: new Map() };

export function evolve(view: RevocationView, event: CertificateStatusEvent): RevocationView {
  switch (event.type) {
    case 'CertificateRevoked': {
      const key = revocationKey(event.issuer, event.serialNumber);
      const known = view.revoked.get(key);
      if (known && known.since.getTime() <= event.revokedAt.getTime()) return view;
      const revoked = new Map(view.revoked);
      revoked.set(key, { since: event.revokedAt, reason: event.reason, source: event.source });
      return { ...view, revoked };
    }
    case 'RevocationListIngested': {
      const known = view.coverage.get(event.issuer);
      if (known && known.thisUpdate.getTime() >= event.thisUpdate.getTime()) return view;
      const coverage = new Map(view.coverage);
      coverage.set(event.issuer, { thisUpdate: event.thisUpdate, nextUpdate: event.nextUpdate });
      return { ...view, coverage };
    }
    default:
      return assertNever(event, 'certificate status event');
  }
}

export const evolveAll = (view: RevocationView, events: readonly CertificateStatusEvent[]): RevocationView =>
  events.reduce(evolve, view);

export type RevokedStatus = { revoked: false } | { revoked: true; since: Date; reason: RevocationReason };

export function isRevoked(view: RevocationView, issuer: string, serialNumber: string): RevokedStatus {
  const found = view.revoked.get(revocationKey(issuer, serialNumber));
  return found ? { revoked: true, since: found.since, reason: found.reason } : { revoked: false };
}

/** Whether the view holds an unexpired CRL for the issuer, so absence from it means "good". */
export function isCovered(view: RevocationView, issuer: string, at: Date): boolean {
  const window = view.coverage.get(issuer);
  return window !== undefined && window.nextUpdate.getTime() >= at.getTime();
}

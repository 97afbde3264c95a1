import type { Consent } from './types.js';

/**
 * Who may act on a resident's consents through the agency API. A consent comes from the resident,
 * never from the party it benefits: only the resident portal, acting for the signed-in resident,
 * records one. The portal sees all of a resident's consents; a service sees (and may revoke) only
 * the consents that name it as recipient. Pure.
 */
export const mayRecordConsent = (caller: string, portalAgencies: readonly string[]): boolean =>
  portalAgencies.includes(caller);

export const consentVisibleTo =
  (caller: string, portalAgencies: readonly string[]) =>
  (consent: Pick<Consent, 'recipient'>): boolean =>
    mayRecordConsent(caller, portalAgencies) || consent.recipient === caller;

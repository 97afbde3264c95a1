import type { DisclosableItem } from '../items.js';

/**
 * The consent artefact: a resident (linkage id) lets a recipient use some items for a
 * purpose between two instants, optionally a limited number of times. Event data mirror
 * schemas/events.ts (ConsentGranted v2, ConsentRevoked, ConsentUsed); instants are `Date`.
 */

export interface ConsentGrantedData {
  consentId: string;
  linkageId: string;
  /** The agency or private service allowed to use the items (the requester of a disclosure). */
  recipient: string;
  /** The office work or service purpose; matched against the disclosure's office work. */
  purpose: string;
  items: readonly DisclosableItem[];
  validFrom: Date;
  /** Exclusive: at this instant the consent has expired. */
  validUntil: Date;
  /** null: unlimited within the validity period. */
  maxUses: number | null;
  channel: string | null;
}

export interface ConsentRevokedData {
  consentId: string;
  linkageId: string;
  reason: string;
}

/** One counted use (ConsentUsed), numbered 1, 2, … per consent so that replaying it is harmless. */
export interface ConsentUsedData {
  consentId: string;
  linkageId: string;
  useNumber: number;
}

/** What `decide` returns; the edge adds the envelope (event id, times, producer, correlation). */
export type ConsentEventDraft =
  | { type: 'ConsentGranted'; data: ConsentGrantedData }
  | { type: 'ConsentRevoked'; data: ConsentRevokedData }
  | { type: 'ConsentUsed'; data: ConsentUsedData };

/** What `evolve` reads: a draft with at least the envelope's `occurredAt` (events from the topic have it). */
export type ConsentEvent = ConsentEventDraft & { envelope: { occurredAt: Date } };

export interface Consent extends ConsentGrantedData {
  grantedAt: Date;
  /** Counted uses; compared with `maxUses`. */
  uses: number;
  revoked: { at: Date; reason: string } | null;
}

/** One consent's state; null before it is granted. */
export type ConsentState = Consent | null;
export const initialConsentState: ConsentState = null;

/** EXPIRED is derived from the clock when evaluated, never stored or emitted. */
export type ConsentStatus = 'ACTIVE' | 'REVOKED' | 'EXPIRED';

export const REVOCATION_REASONS = ['RESIDENT_REQUEST', 'RECIPIENT_ENDED_SERVICE', 'ADMINISTRATIVE'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

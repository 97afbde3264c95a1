import type { Decider } from '../command.js';
import { assertNever } from '../errors.js';
import type { DisclosableItem } from '../items.js';
import { type ConsentCheckRefusal, evaluateConsent } from './check.js';
import { CONSENT_START_TOLERANCE_MS, MAX_CONSENT_PERIOD_MS } from './limits.js';
import type { Consent, ConsentEvent, ConsentEventDraft, ConsentGrantedData, ConsentState } from './types.js';

/** Commands carry `at`, the instant the command was issued (from the injected clock). */
export type ConsentCommand =
  | ({ type: 'GrantConsent'; at: Date } & ConsentGrantedData)
  | { type: 'RevokeConsent'; at: Date; consentId: string; linkageId: string; reason: string }
  | UseConsent;

/** Counts one use of a consent by `recipient` for `purpose`, disclosing `item`. */
export interface UseConsent {
  type: 'UseConsent';
  at: Date;
  consentId: string;
  linkageId: string;
  recipient: string;
  purpose: string;
  item: DisclosableItem;
}

export type ConsentRefusal =
  | 'CONSENT_ALREADY_EXISTS'
  | 'CONSENT_NOT_FOUND'
  | 'VALID_FROM_IN_PAST'
  | 'VALID_FROM_TOO_LATE'
  | 'PERIOD_TOO_LONG'
  | 'PERIOD_INVALID'
  | 'ITEMS_EMPTY'
  | 'MAX_USES_INVALID'
  | ConsentCheckRefusal;

export type ConsentDecision =
  | { ok: true; events: ConsentEventDraft[] }
  | { ok: false; reason: ConsentRefusal };

const emit = (...events: ConsentEventDraft[]): ConsentDecision => ({ ok: true, events });
const refuse = (reason: ConsentRefusal): ConsentDecision => ({ ok: false, reason });

const sameGrant = (consent: Consent, grant: ConsentGrantedData): boolean =>
  consent.linkageId === grant.linkageId &&
  consent.recipient === grant.recipient &&
  consent.purpose === grant.purpose &&
  consent.items.length === new Set(grant.items).size &&
  grant.items.every((item) => consent.items.includes(item)) &&
  consent.validFrom.getTime() === grant.validFrom.getTime() &&
  consent.validUntil.getTime() === grant.validUntil.getTime() &&
  consent.maxUses === grant.maxUses;

function grant(
  command: Extract<ConsentCommand, { type: 'GrantConsent' }>,
  state: ConsentState,
): ConsentDecision {
  const { type: _type, at, ...data } = command;
  // A retried grant (same id, same content) is a no-op, so clients may safely resend.
  if (state !== null) return sameGrant(state, data) ? emit() : refuse('CONSENT_ALREADY_EXISTS');
  if (data.items.length === 0) return refuse('ITEMS_EMPTY');
  if (data.maxUses !== null && (!Number.isInteger(data.maxUses) || data.maxUses < 1)) {
    return refuse('MAX_USES_INVALID');
  }
  const [from, until, now] = [data.validFrom.getTime(), data.validUntil.getTime(), at.getTime()];
  // A consent is the resident's permission from now on: it never reaches back to legitimise a past use.
  if (from < now - CONSENT_START_TOLERANCE_MS) return refuse('VALID_FROM_IN_PAST');
  if (from > now + MAX_CONSENT_PERIOD_MS) return refuse('VALID_FROM_TOO_LATE');
  if (until <= from || until <= now) return refuse('PERIOD_INVALID');
  if (until - from > MAX_CONSENT_PERIOD_MS) return refuse('PERIOD_TOO_LONG');
  return emit({ type: 'ConsentGranted', data: { ...data, items: [...new Set(data.items)] } });
}

/**
 * Consent decider. Refusals are values. Guarantees: granting and revoking are idempotent
 * (a repeated command emits nothing, checked before the clock rules, so a retry stays a no-op);
 * a grant starts no earlier than `CONSENT_START_TOLERANCE_MS` before its command and lasts at
 * most `MAX_CONSENT_PERIOD_MS`; a command for another resident's consent is CONSENT_NOT_FOUND,
 * so existence never leaks. UseConsent must be decided on the latest state with no other command
 * on the consent in between (`handleCommand` in core/command.ts), so two uses cannot both take
 * the last one.
 */
export function decide(command: ConsentCommand, state: ConsentState): ConsentDecision {
  switch (command.type) {
    case 'GrantConsent':
      return grant(command, state);
    case 'RevokeConsent': {
      if (state === null || state.linkageId !== command.linkageId) return refuse('CONSENT_NOT_FOUND');
      if (state.revoked !== null) return emit();
      const { consentId, linkageId, reason } = command;
      return emit({ type: 'ConsentRevoked', data: { consentId, linkageId, reason } });
    }
    case 'UseConsent': {
      if (state === null || state.linkageId !== command.linkageId) return refuse('CONSENT_NOT_FOUND');
      const check = evaluateConsent(state, command);
      if (!check.ok) return refuse(check.reason);
      const { consentId, linkageId } = command;
      return emit({ type: 'ConsentUsed', data: { consentId, linkageId, useNumber: state.uses + 1 } });
    }
    default:
      return assertNever(command, 'consent command');
  }
}

/**
 * Folds one event into one consent's state. Idempotent: applying the same event twice
 * gives the same state (the first grant and the first revocation win; uses are counted by
 * their number, not by arrival), so at-least-once delivery and replays are safe.
 */
export function evolve(state: ConsentState, event: ConsentEvent): ConsentState {
  switch (event.type) {
    case 'ConsentGranted':
      if (state !== null) return state;
      return {
        ...event.data,
        items: [...event.data.items],
        grantedAt: event.envelope.occurredAt,
        uses: 0,
        revoked: null,
      };
    case 'ConsentRevoked':
      if (state === null || state.revoked !== null) return state;
      return { ...state, revoked: { at: event.envelope.occurredAt, reason: event.data.reason } };
    case 'ConsentUsed':
      if (state === null || event.data.useNumber <= state.uses) return state;
      return { ...state, uses: event.data.useNumber };
    default:
      return assertNever(event, 'consent event');
  }
}

/** Folds a resident's consent events, in topic order, into one state per consent id. */
export function foldConsents(events: Iterable<ConsentEvent>): Map<string, Consent> {
  const consents = new Map<string, Consent>();
  for (const event of events) {
    const next = evolve(consents.get(event.data.consentId) ?? null, event);
    if (next !== null) consents.set(event.data.consentId, next);
  }
  return consents;
}

/** The consent decider for `handleCommand`: one stream per consent id. */
export const consentDecider: Decider<
  ConsentCommand,
  ConsentEventDraft,
  ConsentEvent,
  ConsentState,
  ConsentRefusal
> = {
  initialState: null,
  streamOf: (command) => command.consentId,
  decide,
  evolve,
};

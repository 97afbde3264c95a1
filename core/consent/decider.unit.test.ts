import { describe, expect, it } from 'vitest';
import { checkConsent, consentStatus } from './check.js';
import { type ConsentCommand, decide, evolve, foldConsents } from './decider.js';
import type { ConsentEvent, ConsentEventDraft, ConsentGrantedData, ConsentState } from './types.js';

const T0 = new Date('2025-04-01T00:00:00+09:00');
const at = (iso: string) => new Date(iso);

const grantData: ConsentGrantedData = {
  consentId: 'consent-0001',
  linkageId: 'lnk_resident_a1',
  recipient: 'tsubame-bank',
  purpose: 'housing-loan-screening',
  items: ['LOCAL_TAX_CERTIFICATE', 'ADDRESS'],
  validFrom: T0,
  validUntil: at('2025-07-01T00:00:00+09:00'),
  maxUses: 2,
  channel: 'resident-portal',
};

const recorded = (draft: ConsentEventDraft, occurredAt = T0): ConsentEvent => ({
  ...draft,
  envelope: { occurredAt },
});
const granted = (data: Partial<ConsentGrantedData> = {}) =>
  recorded({ type: 'ConsentGranted', data: { ...grantData, ...data } });
const revoked = (occurredAt = at('2025-05-01T09:00:00+09:00')) =>
  recorded(
    {
      type: 'ConsentRevoked',
      data: { consentId: 'consent-0001', linkageId: 'lnk_resident_a1', reason: 'RESIDENT_REQUEST' },
    },
    occurredAt,
  );
const used = (useNumber: number) =>
  recorded({
    type: 'ConsentUsed',
    data: { consentId: 'consent-0001', linkageId: 'lnk_resident_a1', useNumber },
  });

const given = (...events: ConsentEvent[]): ConsentState => events.reduce(evolve, null as ConsentState);

const grant = (overrides: Partial<ConsentGrantedData> = {}, when = T0): ConsentCommand => ({
  type: 'GrantConsent',
  at: when,
  ...grantData,
  ...overrides,
});
const revoke = (linkageId = 'lnk_resident_a1'): ConsentCommand => ({
  type: 'RevokeConsent',
  at: at('2025-05-01T09:00:00+09:00'),
  consentId: 'consent-0001',
  linkageId,
  reason: 'RESIDENT_REQUEST',
});
const use = (
  when = at('2025-05-01T10:00:00+09:00'),
  item: 'LOCAL_TAX_CERTIFICATE' | 'CARE_LEVEL' = 'LOCAL_TAX_CERTIFICATE',
): ConsentCommand => ({
  type: 'UseConsent',
  at: when,
  consentId: 'consent-0001',
  linkageId: 'lnk_resident_a1',
  recipient: 'tsubame-bank',
  purpose: 'housing-loan-screening',
  item,
});

describe('GrantConsent', () => {
  it('given no consent, when granted, then ConsentGranted with the artefact', () => {
    expect(decide(grant(), given())).toEqual({
      ok: true,
      events: [{ type: 'ConsentGranted', data: grantData }],
    });
  });

  it('given the same grant already recorded, when granted again, then nothing (idempotent retry)', () => {
    expect(decide(grant(), given(granted()))).toEqual({ ok: true, events: [] });
  });

  it('given a different grant under the id, when granted, then CONSENT_ALREADY_EXISTS', () => {
    expect(decide(grant({ maxUses: 5 }), given(granted()))).toEqual({
      ok: false,
      reason: 'CONSENT_ALREADY_EXISTS',
    });
  });

  it('refuses an empty or inverted period, no items, and a zero use limit', () => {
    expect(decide(grant({ validUntil: T0 }), given())).toEqual({ ok: false, reason: 'PERIOD_INVALID' });
    expect(decide(grant({ items: [] }), given())).toEqual({ ok: false, reason: 'ITEMS_EMPTY' });
    expect(decide(grant({ maxUses: 0 }), given())).toEqual({ ok: false, reason: 'MAX_USES_INVALID' });
  });
});

describe('GrantConsent never backdates and is bounded', () => {
  const MINUTE = 60_000;
  const DAY = 86_400_000;
  const shifted = (ms: number) => new Date(T0.getTime() + ms);

  it('given a grant decided at T0, when validFrom is 2000-01-01, then VALID_FROM_IN_PAST', () => {
    expect(decide(grant({ validFrom: at('2000-01-01T00:00:00Z') }), given())).toEqual({
      ok: false,
      reason: 'VALID_FROM_IN_PAST',
    });
  });

  it('tolerates 5 minutes of clock skew and no more', () => {
    expect(decide(grant({ validFrom: shifted(-5 * MINUTE) }), given()).ok).toBe(true);
    expect(decide(grant({ validFrom: shifted(-5 * MINUTE - 1) }), given())).toEqual({
      ok: false,
      reason: 'VALID_FROM_IN_PAST',
    });
  });

  it('allows a period of at most 366 days, starting at most 366 days ahead', () => {
    expect(decide(grant({ validUntil: shifted(366 * DAY) }), given()).ok).toBe(true);
    expect(decide(grant({ validUntil: shifted(366 * DAY + 1) }), given())).toEqual({
      ok: false,
      reason: 'PERIOD_TOO_LONG',
    });
    const late = { validFrom: shifted(366 * DAY + 1), validUntil: shifted(367 * DAY) };
    expect(decide(grant(late), given())).toEqual({ ok: false, reason: 'VALID_FROM_TOO_LATE' });
  });

  it('given the grant recorded, when the same grant is retried an hour later, then still nothing (not backdating)', () => {
    expect(decide(grant({}, shifted(60 * MINUTE)), given(granted()))).toEqual({ ok: true, events: [] });
  });
});

describe('RevokeConsent', () => {
  it('given an active consent, when revoked, then ConsentRevoked and status REVOKED', () => {
    const decision = decide(revoke(), given(granted()));
    expect(decision).toEqual({
      ok: true,
      events: [
        {
          type: 'ConsentRevoked',
          data: { consentId: 'consent-0001', linkageId: 'lnk_resident_a1', reason: 'RESIDENT_REQUEST' },
        },
      ],
    });
    const state = given(granted(), revoked());
    expect(state && consentStatus(state, at('2025-05-02T00:00:00+09:00'))).toBe('REVOKED');
    expect(state?.revoked).toEqual({ at: at('2025-05-01T09:00:00+09:00'), reason: 'RESIDENT_REQUEST' });
  });

  it('given a revoked consent, when revoked again, then nothing', () => {
    expect(decide(revoke(), given(granted(), revoked()))).toEqual({ ok: true, events: [] });
  });

  it('given no consent or another resident, when revoked, then CONSENT_NOT_FOUND', () => {
    expect(decide(revoke(), given())).toEqual({ ok: false, reason: 'CONSENT_NOT_FOUND' });
    expect(decide(revoke('lnk_resident_b2'), given(granted()))).toEqual({
      ok: false,
      reason: 'CONSENT_NOT_FOUND',
    });
  });
});

describe('UseConsent and expiry', () => {
  it('given uses below the limit, when used, then ConsentUsed numbered next', () => {
    expect(decide(use(), given(granted(), used(1)))).toEqual({
      ok: true,
      events: [
        {
          type: 'ConsentUsed',
          data: { consentId: 'consent-0001', linkageId: 'lnk_resident_a1', useNumber: 2 },
        },
      ],
    });
  });

  it('given the limit reached, when used, then USES_EXHAUSTED', () => {
    expect(decide(use(), given(granted(), used(1), used(2)))).toEqual({
      ok: false,
      reason: 'USES_EXHAUSTED',
    });
  });

  it('given an unlimited consent, when used many times, then always allowed', () => {
    const state = given(granted({ maxUses: null }), used(1), used(2), used(3));
    expect(decide(use(), state)).toMatchObject({ ok: true, events: [{ data: { useNumber: 4 } }] });
  });

  it('expires at validUntil by the clock, without an event', () => {
    const state = given(granted());
    const end = at('2025-07-01T00:00:00+09:00');
    expect(state && consentStatus(state, new Date(end.getTime() - 1))).toBe('ACTIVE');
    expect(state && consentStatus(state, end)).toBe('EXPIRED');
    expect(decide(use(end), state)).toEqual({ ok: false, reason: 'CONSENT_EXPIRED' });
  });

  it('refuses uses before validFrom, after revocation and for items not granted', () => {
    expect(decide(use(at('2025-03-31T23:59:59+09:00')), given(granted()))).toEqual({
      ok: false,
      reason: 'CONSENT_NOT_YET_VALID',
    });
    expect(decide(use(), given(granted(), revoked()))).toEqual({ ok: false, reason: 'CONSENT_REVOKED' });
    expect(decide(use(undefined, 'CARE_LEVEL'), given(granted()))).toEqual({
      ok: false,
      reason: 'ITEM_NOT_COVERED',
    });
  });
});

describe('evolve is idempotent', () => {
  it.each([
    ['ConsentGranted', granted()],
    ['ConsentRevoked', revoked()],
    ['ConsentUsed', used(1)],
  ])('the same %s applied twice gives the same state', (_name, event) => {
    const once = given(granted(), event);
    expect(evolve(once, event)).toEqual(once);
  });

  it('a later grant or revocation does not overwrite the first', () => {
    const state = given(
      granted(),
      revoked(),
      granted({ maxUses: 9 }),
      revoked(at('2025-06-01T00:00:00+09:00')),
    );
    expect(state).toMatchObject({ maxUses: 2, revoked: { at: at('2025-05-01T09:00:00+09:00') } });
  });

  it('a replayed older use does not lower the count', () => {
    expect(given(granted(), used(1), used(2), used(1))?.uses).toBe(2);
  });

  it('ignores revocations and uses of a consent never granted', () => {
    expect(given(revoked(), used(1))).toBeNull();
  });
});

describe("a resident's consents end to end", () => {
  it('grant → check → use → revoke → check', () => {
    const query = {
      recipient: 'tsubame-bank',
      purpose: 'housing-loan-screening',
      item: 'ADDRESS' as const,
      at: at('2025-05-01T10:00:00+09:00'),
    };
    const log: ConsentEvent[] = [];
    const run = (command: ConsentCommand) => {
      const state = foldConsents(log).get('consent-0001') ?? null;
      const decision = decide(command, state);
      if (decision.ok) log.push(...decision.events.map((draft) => recorded(draft, command.at)));
      return decision;
    };
    run(grant());
    expect(checkConsent(foldConsents(log).values(), query)).toEqual({ ok: true, consentId: 'consent-0001' });
    run(use());
    run(revoke());
    expect(foldConsents(log).get('consent-0001')?.uses).toBe(1);
    expect(checkConsent(foldConsents(log).values(), query)).toEqual({ ok: false, reason: 'CONSENT_REVOKED' });
  });
});

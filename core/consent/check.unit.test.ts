import { describe, expect, it } from 'vitest';
import { type ConsentQuery, checkConsent } from './check.js';
import type { Consent } from './types.js';

const consent = (overrides: Partial<Consent> = {}): Consent => ({
  consentId: 'consent-0001',
  linkageId: 'lnk_resident_a1',
  recipient: 'tsubame-bank',
  purpose: 'housing-loan-screening',
  items: ['LOCAL_TAX_CERTIFICATE'],
  validFrom: new Date('2025-04-01T00:00:00Z'),
  validUntil: new Date('2025-07-01T00:00:00Z'),
  maxUses: null,
  channel: null,
  grantedAt: new Date('2025-04-01T00:00:00Z'),
  uses: 0,
  revoked: null,
  ...overrides,
});

const query: ConsentQuery = {
  recipient: 'tsubame-bank',
  purpose: 'housing-loan-screening',
  item: 'LOCAL_TAX_CERTIFICATE',
  at: new Date('2025-05-01T00:00:00Z'),
};

describe('checkConsent', () => {
  it('finds a covering consent', () => {
    expect(checkConsent([consent()], query)).toEqual({ ok: true, consentId: 'consent-0001' });
  });

  it('says NO_CONSENT when no consent names the recipient', () => {
    expect(checkConsent([], query)).toEqual({ ok: false, reason: 'NO_CONSENT' });
    expect(checkConsent([consent({ recipient: 'other-bank' })], query)).toEqual({
      ok: false,
      reason: 'NO_CONSENT',
    });
  });

  it.each([
    [{ purpose: 'credit-card-screening' }, 'PURPOSE_NOT_COVERED'],
    [{ items: ['ADDRESS'] as Consent['items'] }, 'ITEM_NOT_COVERED'],
    [{ revoked: { at: new Date('2025-04-15T00:00:00Z'), reason: 'RESIDENT_REQUEST' } }, 'CONSENT_REVOKED'],
    [{ validFrom: new Date('2025-06-01T00:00:00Z') }, 'CONSENT_NOT_YET_VALID'],
    [{ validUntil: new Date('2025-05-01T00:00:00Z') }, 'CONSENT_EXPIRED'],
    [{ maxUses: 3, uses: 3 }, 'USES_EXHAUSTED'],
  ] as const)('refuses %o with %s', (overrides, reason) => {
    expect(checkConsent([consent(overrides)], query)).toEqual({ ok: false, reason });
  });

  it('reports the refusal of the consent that came closest', () => {
    const consents = [
      consent({ consentId: 'c-other-purpose', purpose: 'credit-card-screening' }),
      consent({
        consentId: 'c-revoked',
        revoked: { at: new Date('2025-04-15T00:00:00Z'), reason: 'RESIDENT_REQUEST' },
      }),
    ];
    expect(checkConsent(consents, query)).toEqual({ ok: false, reason: 'CONSENT_REVOKED' });
  });

  it('lets a renewed consent win over a revoked one', () => {
    const consents = [
      consent({
        consentId: 'c-old',
        revoked: { at: new Date('2025-04-15T00:00:00Z'), reason: 'RESIDENT_REQUEST' },
      }),
      consent({ consentId: 'c-new' }),
    ];
    expect(checkConsent(consents, query)).toEqual({ ok: true, consentId: 'c-new' });
  });
});

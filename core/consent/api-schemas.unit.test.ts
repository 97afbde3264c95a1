import { describe, expect, it } from 'vitest';
import { GrantConsentBody, RevokeConsentBody, toConsentView, toGrantCommand } from './api-schemas.js';
import { evolve } from './decider.js';

const body = {
  recipient: 'tsubame-bank',
  purpose: 'housing-loan-screening',
  items: ['LOCAL_TAX_CERTIFICATE'],
  validFrom: '2025-04-01T00:00:00+09:00',
  validUntil: '2025-07-01T00:00:00+09:00',
  maxUses: 3,
};

const issuePaths = (value: unknown) => {
  const parsed = GrantConsentBody.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
};

describe('consent API bodies', () => {
  it('accepts a grant and turns it into a GrantConsent command', () => {
    const parsed = GrantConsentBody.parse(body);
    const at = new Date('2025-04-01T00:00:00Z');
    expect(
      toGrantCommand(parsed, {
        consentId: 'consent-0001',
        linkageId: 'lnk_resident_a1',
        at,
        channel: 'resident-portal',
      }),
    ).toMatchObject({
      type: 'GrantConsent',
      validFrom: new Date('2025-03-31T15:00:00Z'),
      maxUses: 3,
    });
  });

  it('names the field that is wrong', () => {
    expect(issuePaths({ ...body, validUntil: body.validFrom })).toEqual(['validUntil']);
    expect(issuePaths({ ...body, items: ['ADDRESS', 'ADDRESS'] })).toEqual(['items']);
    expect(issuePaths({ ...body, items: [] })).toEqual(['items']);
    expect(issuePaths({ ...body, maxUses: 0 })).toEqual(['maxUses']);
    expect(issuePaths({ ...body, validFrom: '2025-04-01' })).toEqual(['validFrom']);
    expect(issuePaths({ ...body, validFrom: '0000-01-01T00:00:00Z' })).toEqual(['validFrom']);
    expect(issuePaths({ ...body, validUntil: '9999-12-31T00:00:00Z' })).toEqual(['validUntil']);
    expect(issuePaths({ ...body, myNumber: '123456789018' })).toEqual(['']);
  });

  it('bounds both instants to 1900-01-01 .. 2200-12-31 with a message saying so', () => {
    const parsed = GrantConsentBody.safeParse({ ...body, validFrom: '0000-01-01T00:00:00Z' });
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ path: ['validFrom'], message: 'must lie between 1900-01-01 and 2200-12-31' }),
    ]);
  });

  it('defaults the revocation reason', () => {
    expect(RevokeConsentBody.parse({})).toEqual({ reason: 'RESIDENT_REQUEST' });
    expect(RevokeConsentBody.safeParse({ reason: 'because' }).success).toBe(false);
  });

  it('shows a resident the derived status and no linkage id', () => {
    const command = toGrantCommand(GrantConsentBody.parse(body), {
      consentId: 'consent-0001',
      linkageId: 'lnk_resident_a1',
      at: new Date('2025-04-01T00:00:00Z'),
      channel: null,
    });
    const { type: _type, at, ...data } = command;
    const consent = evolve(null, { type: 'ConsentGranted', data, envelope: { occurredAt: at } });
    if (consent === null) throw new Error('expected a consent');
    const view = toConsentView(consent, new Date('2025-08-01T00:00:00Z'));
    expect(view).toMatchObject({
      status: 'EXPIRED',
      uses: 0,
      revokedAt: null,
      validUntil: '2025-06-30T15:00:00.000Z',
    });
    expect(JSON.stringify(view)).not.toContain('lnk_resident_a1');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCovered, isRevoked } from './revocation-view.js';
import { ingestedDraft, revocationRows, revokedDraft } from './testing/revocations.js';

const ISSUER = 'C=JP,O=Tsunagi Test JPKI,CN=Test Issuing CA';
const revoked = (
  serialNumber: string,
  at: string,
  reason: Parameters<typeof revokedDraft>[3] = 'keyCompromise',
) => revokedDraft(ISSUER, serialNumber, at, reason);

describe('revocation view', () => {
  it('given no events, when asked, then nothing is revoked', () => {
    expect(isRevoked(revocationRows(), ISSUER, '01')).toEqual({ revoked: false });
  });

  it('given a CertificateRevoked, when asked for that issuer and serial, then it is revoked since then, for that reason', () => {
    const view = revocationRows([revoked('0a', '2026-03-01T00:00:00Z', 'superseded')]);
    expect(isRevoked(view, ISSUER, '0a')).toEqual({
      revoked: true,
      since: new Date('2026-03-01T00:00:00Z'),
      reason: 'superseded',
    });
    expect(isRevoked(view, ISSUER, '0b')).toEqual({ revoked: false });
    expect(isRevoked(view, 'C=JP,CN=Other CA', '0a')).toEqual({ revoked: false });
  });

  it('given the same event twice, then the view is unchanged by the second', () => {
    const event = revoked('0a', '2026-03-01T00:00:00Z');
    expect(revocationRows([event, event]).range({ prefix: '' })).toEqual(
      revocationRows([event]).range({ prefix: '' }),
    );
  });

  it('given a later re-publication, then the earliest revocation time is kept', () => {
    const view = revocationRows([
      revoked('0a', '2026-03-05T00:00:00Z', 'superseded'),
      revoked('0a', '2026-03-01T00:00:00Z', 'keyCompromise'),
      revoked('0a', '2026-03-09T00:00:00Z', 'unspecified'),
    ]);
    expect(isRevoked(view, ISSUER, '0a')).toMatchObject({
      since: new Date('2026-03-01T00:00:00Z'),
      reason: 'keyCompromise',
    });
  });

  it('given an ingested CRL, then the issuer is covered until its nextUpdate, and an older list does not shrink it', () => {
    const view = revocationRows([
      ingestedDraft(ISSUER, '2026-04-01T00:00:00Z', '2026-04-02T00:00:00Z'),
      ingestedDraft(ISSUER, '2026-03-31T00:00:00Z', '2026-04-01T00:00:00Z'),
    ]);
    expect(isCovered(view, ISSUER, new Date('2026-04-01T12:00:00Z'))).toBe(true);
    expect(isCovered(view, ISSUER, new Date('2026-04-02T00:00:01Z'))).toBe(false);
    expect(isCovered(view, 'C=JP,CN=Other CA', new Date('2026-04-01T12:00:00Z'))).toBe(false);
  });

  it('is the same whatever the order and duplication of events (replayable)', () => {
    const event = fc.record({
      serial: fc.constantFrom('01', '02', '03'),
      day: fc.integer({ min: 1, max: 28 }),
      reason: fc.constantFrom('keyCompromise', 'superseded', 'unspecified' as const),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), fc.integer(), (raw, seed) => {
        const events = raw.map((e) =>
          revoked(e.serial, `2026-03-${String(e.day).padStart(2, '0')}T00:00:00Z`, e.reason),
        );
        const serial = (s: (typeof events)[number]) =>
          s.type === 'CertificateRevoked' ? s.data.serialNumber : '';
        const shuffled = [...events, ...events].sort(
          (a, b) => (seed % 2 === 0 ? 1 : -1) * (serial(a) < serial(b) ? -1 : 1),
        );
        const one = revocationRows(events);
        const other = revocationRows(shuffled);
        for (const s of ['01', '02', '03']) {
          const a = isRevoked(one, ISSUER, s);
          const b = isRevoked(other, ISSUER, s);
          expect(a.revoked).toBe(b.revoked);
          if (a.revoked && b.revoked) expect(a.since.getTime()).toBe(b.since.getTime());
        }
      }),
    );
  });
});

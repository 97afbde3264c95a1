import { describe, expect, it } from 'vitest';
import { authenticateAgency, normaliseSerial } from './agency-auth.js';

const none = () => false;
const cert = (subjectCN: string, serialNumber = '0A1B') => ({ subjectCN, serialNumber });

describe('authenticateAgency', () => {
  it('given a trusted certificate, then the agency id is its subject CN', () => {
    expect(authenticateAgency({ authorized: true, certificate: cert('jps') }, none)).toEqual({
      ok: true,
      agencyId: 'jps',
      serial: 'a1b',
    });
    expect(authenticateAgency({ authorized: true, certificate: cert('131016') }, none)).toMatchObject({
      agencyId: '131016',
    });
  });

  it.each([
    [{ authorized: false, authorizationError: null }, 'CERTIFICATE_MISSING'],
    [
      { authorized: false, authorizationError: 'CERT_HAS_EXPIRED', certificate: cert('jps') },
      'CERTIFICATE_EXPIRED',
    ],
    [
      { authorized: false, authorizationError: 'CERT_NOT_YET_VALID', certificate: cert('jps') },
      'CERTIFICATE_NOT_YET_VALID',
    ],
    [
      { authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', certificate: cert('jps') },
      'CERTIFICATE_UNTRUSTED',
    ],
    [{ authorized: true, certificate: cert('Japan Pension Service') }, 'AGENCY_ID_INVALID'],
  ] as const)('refuses %o with %s', (peer, reason) => {
    expect(authenticateAgency(peer, none)).toEqual({ ok: false, reason });
  });

  it('refuses a revoked serial however the serial is written', () => {
    const revoked = (serial: string) => serial === normaliseSerial('00:0a:1b');
    expect(authenticateAgency({ authorized: true, certificate: cert('jps', '0A1B') }, revoked)).toEqual({
      ok: false,
      reason: 'CERTIFICATE_REVOKED',
    });
  });
});

import { describe, expect, it } from 'vitest';
import {
  authenticateRequest,
  CLIENT_AUTH_PURPOSE,
  normaliseSerial,
  type PeerFacts,
  type PresentedCertificate,
  verifyPeer,
} from './agency-auth.js';

const none = () => false;
const NOW = new Date('2026-04-01T00:00:00Z');
const FINGERPRINT = new Uint8Array(32).fill(7);
const cert = (subjectCN: string, overrides: Partial<PresentedCertificate> = {}): PresentedCertificate => ({
  subjectCN,
  serialNumber: '0A1B',
  extendedKeyUsage: [CLIENT_AUTH_PURPOSE],
  validFrom: new Date('2026-01-01T00:00:00Z'),
  validTo: new Date('2026-12-31T00:00:00Z'),
  fingerprint: FINGERPRINT,
  issuedByAgencyCa: true,
  ...overrides,
});
const trusted = (certificate: PresentedCertificate): PeerFacts => ({ authorized: true, certificate });

describe('verifyPeer: once per connection, from the handshake that was verified', () => {
  it('given a trusted clientAuth certificate, then the agency id is its subject CN', () => {
    expect(verifyPeer(trusted(cert('jps')), NOW)).toMatchObject({
      ok: true,
      agencyId: 'jps',
      serial: 'a1b',
      fingerprint: FINGERPRINT,
    });
    expect(verifyPeer(trusted(cert('131016')), NOW)).toMatchObject({ agencyId: '131016' });
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
      { authorized: false, authorizationError: 'INVALID_PURPOSE', certificate: cert('jps') },
      'CERTIFICATE_PURPOSE_INVALID',
    ],
    [
      { authorized: false, authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', certificate: cert('jps') },
      'CERTIFICATE_UNTRUSTED',
    ],
    [trusted(cert('Japan Pension Service')), 'AGENCY_ID_INVALID'],
  ] as const)('refuses %o with %s', (peer, reason) => {
    expect(verifyPeer(peer, NOW)).toMatchObject({ ok: false, reason });
  });

  it('refuses a self-signed certificate whatever its CN, and keeps no fingerprint of it', () => {
    const selfSigned = cert('jps', { issuedByAgencyCa: false });
    expect(
      verifyPeer(
        { authorized: false, authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT', certificate: selfSigned },
        NOW,
      ),
    ).toEqual({ ok: false, reason: 'CERTIFICATE_UNTRUSTED', fingerprint: null });
  });

  it('keeps the fingerprint of a refused certificate of the agency PKI (an organisation)', () => {
    expect(
      verifyPeer(
        { authorized: false, authorizationError: 'CERT_HAS_EXPIRED', certificate: cert('jps') },
        NOW,
      ),
    ).toEqual({ ok: false, reason: 'CERTIFICATE_EXPIRED', fingerprint: FINGERPRINT });
  });

  it.each([
    ['no extendedKeyUsage', undefined],
    ['serverAuth only (the gateway’s own certificate)', ['1.3.6.1.5.5.7.3.1']],
    ['anyExtendedKeyUsage only', ['2.5.29.37.0']],
  ])(
    'refuses a chain-valid certificate with %s as CERTIFICATE_PURPOSE_INVALID',
    (_name, extendedKeyUsage) => {
      expect(verifyPeer(trusted(cert('hello-work', { extendedKeyUsage })), NOW)).toMatchObject({
        ok: false,
        reason: 'CERTIFICATE_PURPOSE_INVALID',
      });
    },
  );

  it('checks validity itself, since a resumed TLS session is not verified again', () => {
    const expired = cert('jps', { validTo: new Date('2026-03-31T23:59:59Z') });
    expect(verifyPeer(trusted(expired), NOW)).toMatchObject({ ok: false, reason: 'CERTIFICATE_EXPIRED' });
    const early = cert('jps', { validFrom: new Date('2026-04-01T00:00:01Z') });
    expect(verifyPeer(trusted(early), NOW)).toMatchObject({ ok: false, reason: 'CERTIFICATE_NOT_YET_VALID' });
  });
});

describe('authenticateRequest: each request on the connection', () => {
  const identity = verifyPeer(trusted(cert('jps')), NOW);

  it('given the connection proved jps, then every request is jps while unrevoked and unexpired', () => {
    expect(authenticateRequest(identity, NOW, none)).toEqual({
      ok: true,
      agencyId: 'jps',
      serial: 'a1b',
      fingerprint: FINGERPRINT,
    });
  });

  it('refuses once the certificate is revoked, however the serial is written', () => {
    const revoked = (serial: string) => serial === normaliseSerial('00:0a:1b');
    expect(authenticateRequest(identity, NOW, revoked)).toMatchObject({
      ok: false,
      reason: 'CERTIFICATE_REVOKED',
    });
  });

  it('refuses once the certificate has expired during a long keep-alive connection', () => {
    expect(authenticateRequest(identity, new Date('2027-01-01T00:00:00Z'), none)).toMatchObject({
      ok: false,
      reason: 'CERTIFICATE_EXPIRED',
    });
  });

  it('passes a refused connection on unchanged', () => {
    const refused = verifyPeer({ authorized: false, authorizationError: null }, NOW);
    expect(authenticateRequest(refused, NOW, none)).toEqual(refused);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AgencyCodeIssued, CertificateBound, IdentityEnrolled } from './event-log.js';
import { agencyCodeIssuedCodec, certificateBoundCodec, identityEnrolledCodec } from './identity-codecs.js';

/** `schemas/certificate-bound/fixtures/v1.{json,hex}`: the event (bytes as hex, instant as ISO) and its Avro body. */
const fixture = (name: string) =>
  readFileSync(new URL(`../schemas/certificate-bound/fixtures/${name}`, import.meta.url), 'utf8');

describe('identity event codecs (schemas/*/v1.avsc)', () => {
  it('round-trips IdentityEnrolled', () => {
    const event: IdentityEnrolled = {
      keyedHash: Buffer.alloc(32, 1),
      keyVersion: 3,
      sealedLinkageId: Buffer.alloc(44, 2),
      nonce: Buffer.alloc(12, 3),
      enrolledAt: Date.parse('2026-04-01T09:00:00Z'),
    };
    const bytes = identityEnrolledCodec.encode(event);
    expect(identityEnrolledCodec.decode(bytes)).toEqual(event);
    // Field order is part of the wire format: the keyed hash comes first, length-prefixed (zig-zag 32 = 0x40).
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x40, 0x01]));
  });

  it('round-trips AgencyCodeIssued of both kinds', () => {
    for (const codeKind of ['AGENCY_CODE', 'PPID'] as const) {
      const event: AgencyCodeIssued = {
        codeKind,
        agencyId: '271004',
        agencyCode: `AC1-v1-${'A'.repeat(32)}`,
        keyVersion: 1,
        sealedLinkageId: Buffer.alloc(44, 2),
        nonce: Buffer.alloc(12, 3),
        sealKeyVersion: 2,
        issuedAt: 1_775_034_000_000,
      };
      expect(agencyCodeIssuedCodec.decode(agencyCodeIssuedCodec.encode(event))).toEqual(event);
    }
  });

  it('CertificateBound: the golden JSON encodes to the golden bytes, and back', () => {
    const json = JSON.parse(fixture('v1.json')) as Record<string, string | number>;
    const event: CertificateBound = {
      keyedHash: Buffer.from(String(json.keyedHash), 'hex'),
      keyVersion: Number(json.keyVersion),
      sealedLinkageId: Buffer.from(String(json.sealedLinkageId), 'hex'),
      nonce: Buffer.from(String(json.nonce), 'hex'),
      boundAt: Date.parse(String(json.boundAt)),
    };
    const hex = fixture('v1.hex').trim();
    // A deliberate schema change rewrites v1.hex from this encoding (and adds v2 files instead, once released).
    expect(certificateBoundCodec.encode(event).toString('hex')).toBe(hex);
    expect(certificateBoundCodec.decode(Buffer.from(hex, 'hex'))).toEqual(event);
  });
});

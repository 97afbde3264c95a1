import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { eventWireOver } from '../platform/event-wire.js';
import { loadSchema } from '../schemas/catalogue.js';
import { fixedSchemaIds } from '../tests/support/schema-ids.js';
import type { AgencyCodeIssued, CertificateBound, IdentityEnrolled } from './event-log.js';
import { agencyCodeIssuedCodec, certificateBoundCodec, identityEnrolledCodec } from './identity-codecs.js';

/** `schemas/certificate-bound/fixtures/v1.{json,hex}`: the event (bytes as hex, instant as ISO) and its Avro body. */
const fixture = (name: string) =>
  readFileSync(new URL(`../schemas/certificate-bound/fixtures/${name}`, import.meta.url), 'utf8');

const wire = eventWireOver(
  fixedSchemaIds({ 'identity-enrolled@1': 31, 'agency-code-issued@1': 32, 'certificate-bound@1': 33 }),
);
const enrolled: IdentityEnrolled = {
  keyedHash: Buffer.alloc(32, 1),
  keyVersion: 3,
  sealedLinkageId: Buffer.alloc(44, 2),
  nonce: Buffer.alloc(12, 3),
  enrolledAt: Date.parse('2026-04-01T09:00:00Z'),
};
const issued = (codeKind: AgencyCodeIssued['codeKind']): AgencyCodeIssued => ({
  codeKind,
  agencyId: '271004',
  agencyCode: `AC1-v1-${'A'.repeat(32)}`,
  keyVersion: 1,
  sealedLinkageId: Buffer.alloc(44, 2),
  nonce: Buffer.alloc(12, 3),
  sealKeyVersion: 2,
  issuedAt: 1_775_034_000_000,
});

describe('identity event codecs (registry-framed, schemas/*/v1.avsc)', () => {
  it('round-trips IdentityEnrolled in the Confluent frame', async () => {
    const codec = identityEnrolledCodec(wire);
    const bytes = await codec.encode(enrolled);
    expect(await codec.decode(bytes)).toEqual(enrolled);
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(31);
    // Field order is part of the wire format: the keyed hash comes first, length-prefixed (zig-zag 32 = 0x40).
    expect(bytes.subarray(5, 7)).toEqual(Buffer.from([0x40, 0x01]));
  });

  it('round-trips AgencyCodeIssued of both kinds', async () => {
    const codec = agencyCodeIssuedCodec(wire);
    for (const codeKind of ['AGENCY_CODE', 'PPID'] as const) {
      const bytes = await codec.encode(issued(codeKind));
      expect(bytes.readInt32BE(1)).toBe(32);
      expect(await codec.decode(bytes)).toEqual(issued(codeKind));
    }
  });

  it('refuses an unframed AgencyCodeIssued, whose first byte is 0, instead of reading a made-up schema id', async () => {
    const plain = avro.Type.forSchema(loadSchema('agency-code-issued', 1) as avro.Schema).toBuffer(
      issued('AGENCY_CODE'),
    );
    expect(plain[0]).toBe(0); // enum index of AGENCY_CODE: looks like a magic byte
    await expect(agencyCodeIssuedCodec(wire).decode(plain)).rejects.toMatchObject({
      code: 'SCHEMA_NOT_FOUND',
      message: `schema id ${plain.readInt32BE(1)} is not registered`,
    });
  });

  it('refuses a framed record of the other identity type', async () => {
    const bytes = await agencyCodeIssuedCodec(wire).encode(issued('PPID'));
    await expect(identityEnrolledCodec(wire).decode(bytes)).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      path: 'value',
      message: 'a record of agency-code-issued (schema id 32) where identity-enrolled was expected',
    });
  });

  it('CertificateBound: the golden JSON encodes to the golden Avro body inside the frame, and back', async () => {
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
    const codec = certificateBoundCodec(wire);
    const bytes = await codec.encode(event);
    expect(bytes.readInt32BE(1)).toBe(33);
    expect(bytes.subarray(5).toString('hex')).toBe(hex);
    expect(await codec.decode(bytes)).toEqual(event);
  });
});

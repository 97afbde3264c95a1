import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fuzzRuns } from '../tests/support/fuzz.js';
import { toPem } from './pki.js';
import { createTestPki, type TestPki } from './testing/pki/index.js';
import { answering } from './testing/pki/support.js';
import { type ValidationOptions, validateCertificate } from './validate.js';

/**
 * Seeded fuzzing of certificate validation (issue 16, item 5): a valid user-identification
 * certificate, damaged byte by byte (flips, insertions, deletions, truncation, bytes overwritten),
 * given as DER or PEM, and random bytes. Validation never throws: it answers with one of its
 * reasons, and no damaged certificate is ever accepted.
 */
const REASONS = [
  'CHAIN_UNTRUSTED',
  'EXPIRED',
  'NOT_YET_VALID',
  'KEY_USAGE_INVALID',
  'EXTENDED_KEY_USAGE_INVALID',
  'SIGNATURE_ALGORITHM_NOT_ALLOWED',
  'SIGNATURE_INVALID',
  'CRITICAL_EXTENSION_UNKNOWN',
  'PATH_LENGTH_EXCEEDED',
  'REVOKED',
  'REVOCATION_UNKNOWN',
  'MALFORMED',
];
let pki: TestPki;
let options: ValidationOptions;
let card: Uint8Array;

beforeAll(async () => {
  pki = await createTestPki({ now: new Date('2026-04-01T00:00:00Z') });
  options = {
    trustAnchors: pki.trustAnchors,
    intermediates: pki.intermediates,
    at: pki.now,
    purpose: 'user-identification',
    revocation: answering({ status: 'good', source: 'OCSP' }),
  };
  card = (await pki.issueUserIdentification()).der;
});

type Damage = { at: number; kind: 'flip' | 'insert' | 'delete' | 'truncate' | 'overwrite'; byte: number };
const damage = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('flip', 'insert', 'delete', 'truncate', 'overwrite'),
  byte: fc.integer({ min: 0, max: 255 }),
}) as fc.Arbitrary<Damage>;

function damaged(der: Uint8Array, d: Damage): Uint8Array {
  const bytes = Buffer.from(der);
  const at = d.at % Math.max(1, bytes.length);
  switch (d.kind) {
    case 'flip':
      bytes[at] = (bytes[at] ?? 0) ^ (1 << (d.byte % 8));
      return bytes;
    case 'overwrite':
      bytes[at] = d.byte;
      return bytes;
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([d.byte]), bytes.subarray(at)]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    case 'truncate':
      return bytes.subarray(0, at);
  }
}

const input = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ damage: fc.array(damage, { minLength: 1, maxLength: 3 }), pem: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ random: fc.uint8Array({ maxLength: 2048 }), pem: fc.boolean() }) },
);

describe('certificate validation, fuzzed', () => {
  it('answers every damaged or random certificate with a reason, never throwing, never accepting', async () => {
    await fc.assert(
      fc.asyncProperty(input, async (given) => {
        const der = 'random' in given ? given.random : given.damage.reduce(damaged, card);
        if (Buffer.from(der).equals(Buffer.from(card))) return; // the damage undid itself
        const result = await validateCertificate(given.pem ? toPem(der, 'CERTIFICATE') : der, options);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(REASONS).toContain(result.reason);
      }),
      fuzzRuns('certificates', 1000, 'jpki/certificates.fuzz.unit.test.ts'),
    );
  }, 300_000);
});

import { describe, expect, it } from 'vitest';
import { digestOf, disclosureRecorded } from '../disclosure.js';
import {
  createTrailSubjectKeys,
  publicEntryBytes,
  publicTrailEntry,
  sealedFieldsOf,
} from './public-entry.js';
import { testDisclosure } from './testdata/disclosures.js';
import { fromBase64 } from './verifier/bytes.js';
import { isEntryOf, opensSealed, parsePublicEntry } from './verifier/public-entry.js';

const keys = createTrailSubjectKeys(new Uint8Array(32).fill(1));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
// testDisclosure(n) is about linkage id `lnk_merkle_${n % 5}_abc`: 0 and 5 concern one resident.
const [first, sameResident, otherResident] = [testDisclosure(0), testDisclosure(5), testDisclosure(1)];

describe('the public trail entry (the Merkle leaf content)', () => {
  it('is canonical JSON of the disclosure without the linkage id or any linking field', () => {
    const bytes = publicEntryBytes(first, keys);
    const json = JSON.parse(text(bytes));
    expect(Object.keys(json)).toEqual([...Object.keys(json)].sort());
    expect(json).toMatchObject({
      format: 'tsunagi-trail-entry/v1',
      eventId: 'evt-merkle-0',
      recordedAt: '2026-04-01T00:00:00.000Z',
      requester: '131016',
      itemKind: 'LOCAL_TAX_INCOME',
      outcome: 'REFUSED',
      nonDisclosureUntil: null,
    });
    for (const hidden of [
      first.data.linkageId,
      first.envelope.correlationId,
      Buffer.from(first.data.disclosedDigest as Uint8Array).toString('base64'),
      'linkageId',
      'correlationId',
    ])
      expect(text(bytes)).not.toContain(hidden);
    expect(parsePublicEntry(bytes)).toEqual({ ok: true, entry: json });
  });

  it.each([
    ['LINKING', 'AGENCY_CODE'],
    ['NOTICE', 'ELIGIBILITY_NOTICE'],
  ] as const)(
    'derives an entry for a %s record (%s) as for any other, the resident bound by HMAC',
    async (channel, itemKind) => {
      const record = disclosureRecorded(
        { ...first.data, channel, itemKind, outcome: 'DISCLOSED', refusalReason: null },
        {
          eventId: `evt-${channel}`,
          at: first.envelope.recordedAt,
          producer: 'gateway',
          correlationId: 'req-1',
        },
      );
      const bytes = publicEntryBytes(record, keys);
      const parsed = parsePublicEntry(bytes);
      expect(parsed).toMatchObject({ ok: true, entry: { channel, itemKind, outcome: 'DISCLOSED' } });
      expect(text(bytes)).not.toContain(first.data.linkageId);
      expect(
        await isEntryOf(publicTrailEntry(record, keys) as never, keys.residentKey(first.data.linkageId)),
      ).toBe(true);
    },
  );

  it('gives equal bytes for equal records, different bytes when any field differs', () => {
    expect(publicEntryBytes(structuredClone(first), keys)).toEqual(publicEntryBytes(first, keys));
    const consent = disclosureRecorded(
      { ...first.data, consentId: 'consent-1' },
      {
        eventId: 'evt-merkle-0',
        at: first.envelope.recordedAt,
        producer: 'gateway',
        correlationId: 'req-merkle-0',
      },
    );
    // Hidden fields change only `sealed`: the leaf still binds every field of the record.
    const [a, b] = [publicTrailEntry(first, keys), publicTrailEntry(consent, keys)];
    expect(b.sealed).not.toBe(a.sealed);
    expect({ ...b, sealed: a.sealed }).toEqual(a);
  });

  it('commits to the resident so that only their trail key links entries', async () => {
    const [a, b, c] = [first, sameResident, otherResident].map((e) => publicTrailEntry(e, keys));
    expect(new Set([a?.subject, b?.subject, c?.subject]).size).toBe(3);
    const key = keys.residentKey(first.data.linkageId);
    expect(key).toHaveLength(32);
    expect(await isEntryOf(a as never, key)).toBe(true);
    expect(await isEntryOf(b as never, key)).toBe(true);
    expect(await isEntryOf(c as never, key)).toBe(false);
    expect(await isEntryOf(a as never, keys.residentKey(otherResident.data.linkageId))).toBe(false);
    // Another hub key gives other commitments: the hub key, not the linkage id alone, decides.
    const other = createTrailSubjectKeys(new Uint8Array(32).fill(2));
    expect(publicTrailEntry(first, other).subject).not.toBe(a?.subject);
  });

  it("opens one entry's sealed fields with the resident's key, and nothing else does", async () => {
    const entry = publicTrailEntry(first, keys);
    const key = keys.residentKey(first.data.linkageId);
    const fields = sealedFieldsOf(first);
    expect(await opensSealed(entry, key, fields)).toBe(true);
    expect(await opensSealed(entry, key, { ...fields, consentId: 'other' })).toBe(false);
    expect(await opensSealed(entry, key, { ...fields, eventId: 'evt-merkle-5' })).toBe(false);
    expect(fields.disclosedDigest).toBe(Buffer.from(digestOf('payload-0')).toString('base64'));
  });

  it('refuses bytes that are not exactly a canonical entry', () => {
    const good = text(publicEntryBytes(first, keys));
    const parse = (t: string) => parsePublicEntry(new TextEncoder().encode(t));
    expect(parse(good.replace('{', '{ '))).toEqual({
      ok: false,
      detail: 'the entry is not in canonical form',
    });
    expect(parse(good.replace('"131016"', '"131017" '))).toMatchObject({ ok: false });
    expect(parse(good.slice(0, -1))).toEqual({ ok: false, detail: 'the entry is not JSON' });
    expect(parse(good.replace('"format":"tsunagi-trail-entry/v1"', '"format":"v0"'))).toEqual({
      ok: false,
      detail: 'the entry is invalid at format',
    });
    expect(parse(good.replace('"eventId"', '"linkageId":"x","eventId"'))).toMatchObject({ ok: false });
    expect(parsePublicEntry(Uint8Array.of(0xff))).toEqual({ ok: false, detail: 'the entry is not UTF-8' });
    expect(fromBase64(JSON.parse(good).subject)).toHaveLength(32);
  });

  it('refuses a hub key shorter than 32 bytes', () => {
    expect(() => createTrailSubjectKeys(new Uint8Array(16))).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', path: 'TSUNAGI_TRAIL_SUBJECT_KEY' }),
    );
  });
});

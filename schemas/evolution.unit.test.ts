import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { loadSchema, SCHEMAS_DIR } from './catalogue.js';
import { avroType, decodeEvent, encodeEvent, fromAvroRecord, toAvroRecord } from './codec.js';
import type { ConsentGranted, DisclosureRecorded } from './events.js';
import { avroOptions } from './logical-types.js';
import { SAMPLE_EVENTS } from './testing/samples.js';

const v1 = avroType('consent-granted', 1);
const v2 = avroType('consent-granted', 2);
const withChannel = SAMPLE_EVENTS['consent-granted']?.[2] as ConsentGranted;

describe('consent-granted v1 ↔ v2 (BACKWARD and FORWARD compatible)', () => {
  it('given v2 data, a v1 reader reads it and drops the new field', () => {
    const body = v2.toBuffer(toAvroRecord(withChannel));
    const read = v1.fromBuffer(body, v1.createResolver(v2));
    expect(read.channel).toBeUndefined();
    expect(read.consentId).toBe('consent-0001');
    expect(read.validUntil).toEqual(new Date('2025-09-30T15:00:00.000Z'));
  });

  it('given v1 data, a v2 reader reads it with channel defaulting to null', () => {
    const body = v1.toBuffer(toAvroRecord(withChannel));
    const read = v2.fromBuffer(body, v2.createResolver(v1));
    expect(read.channel).toBeNull();
    expect(fromAvroRecord(read)).toEqual({ ...withChannel, data: { ...withChannel.data, channel: null } });
  });

  it('decodeEvent resolves a v1 body into the current (v2) domain event', () => {
    const event = decodeEvent('consent-granted', 1, encodeEvent(withChannel, 1));
    expect(event.type === 'ConsentGranted' && event.data.channel).toBeNull();
  });

  it('encodes at the current version by default, keeping the new field', () => {
    expect(decodeEvent('consent-granted', 2, encodeEvent(withChannel))).toEqual(withChannel);
  });
});

describe('disclosure-recorded v1 ↔ v2 (the embargo reason, case reference and consent id)', () => {
  const trailV1 = avroType('disclosure-recorded', 1);
  const trailV2 = avroType('disclosure-recorded', 2);
  const hidden = SAMPLE_EVENTS['disclosure-recorded']?.[2] as DisclosureRecorded;

  it('given v2 data, a v1 reader (an older auditor) reads it and drops the new fields', () => {
    const read = trailV1.fromBuffer(trailV2.toBuffer(toAvroRecord(hidden)), trailV1.createResolver(trailV2));
    expect(read.nonDisclosureReason).toBeUndefined();
    expect(read.nonDisclosureUntil).toBe('2026-03-31');
  });

  it('given a v1 trail record, the current reader gives null for each new field', () => {
    const event = decodeEvent('disclosure-recorded', 1, encodeEvent(hidden, 1));
    expect(event.type === 'DisclosureRecorded' && event.data).toMatchObject({
      consentId: null,
      nonDisclosureReason: null,
      nonDisclosureCaseReference: null,
      nonDisclosureUntil: '2026-03-31',
    });
  });

  it('keeps the reason code and case reference at the current version', () => {
    expect(decodeEvent('disclosure-recorded', 2, encodeEvent(hidden, 2))).toEqual(hidden);
  });
});

describe('disclosure-recorded v2 ↔ v3 (the refusal detail beside its code)', () => {
  const trailV2 = avroType('disclosure-recorded', 2);
  const trailV3 = avroType('disclosure-recorded', 3);
  const refused = SAMPLE_EVENTS['disclosure-recorded']?.[3] as DisclosureRecorded;

  it('given v3 data, a v2 reader reads the code and drops the detail', () => {
    const read = trailV2.fromBuffer(trailV3.toBuffer(toAvroRecord(refused)), trailV2.createResolver(trailV3));
    expect(read.refusalDetail).toBeUndefined();
    expect(read.refusalReason).toBe('CONSENT_NOT_COVERING');
  });

  it('given a v2 trail record, the current reader gives a null detail and keeps the reason as written', () => {
    const older = {
      ...refused,
      data: { ...refused.data, refusalReason: 'CONSENT_NOT_COVERING: USES_EXHAUSTED' },
    };
    const event = decodeEvent('disclosure-recorded', 2, encodeEvent(older, 2));
    expect(event.type === 'DisclosureRecorded' && event.data).toMatchObject({
      refusalReason: 'CONSENT_NOT_COVERING: USES_EXHAUSTED',
      refusalDetail: null,
    });
  });

  it('encodes at v3 keeping code and detail apart', () => {
    expect(decodeEvent('disclosure-recorded', 3, encodeEvent(refused, 3))).toEqual(refused);
  });
});

describe('the intentionally incompatible consent-granted variant', () => {
  const incompatible = avro.Type.forSchema(
    JSON.parse(readFileSync(join(SCHEMAS_DIR, 'testdata', 'consent-granted-incompatible.avsc'), 'utf8')),
    { ...avroOptions },
  );

  it('cannot read v1 data (a required field without default): BACKWARD incompatible', () => {
    expect(() => incompatible.createResolver(v1)).toThrow(/grantedVia/);
  });

  it('is otherwise the same record, so only that field breaks it', () => {
    const fields = (incompatible.schema() as { fields: Array<{ name: string }> }).fields.map((f) => f.name);
    expect(fields).toEqual([...loadSchema('consent-granted', 1).fields.map((f) => f.name), 'grantedVia']);
  });
});

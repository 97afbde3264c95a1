import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { schemaFromConfluentSchema } from '@kafkajs/confluent-schema-registry/dist/schemaTypeResolver.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSchema } from './catalogue.js';
import {
  avroOptions,
  canonicalBytes,
  decodeEvent,
  encodeEvent,
  fromAvroRecord,
  toAvroRecord,
} from './codec.js';
import {
  type InformationItemPublished,
  parseEvent,
  type ResidentRecordChanged,
  type TsunagiEvent,
} from './events.js';
import { fromTwosComplement, toTwosComplement } from './logical-types.js';
import { MAX_YEN } from './primitives.js';
import { readFixture } from './testing/fixtures.js';
import { SAMPLE_EVENTS } from './testing/samples.js';

const sample = <T extends TsunagiEvent>(subject: string, version = 1) =>
  SAMPLE_EVENTS[subject]?.[version] as T;
const resident = sample<ResidentRecordChanged>('resident-record-changed');
const published = sample<InformationItemPublished>('information-item-published');
const withData = <T extends TsunagiEvent>(event: T, data: Partial<T['data']>): T =>
  ({ ...event, data: { ...event.data, ...data } }) as T;
const roundTrip = <T extends TsunagiEvent>(event: T) =>
  decodeEvent(loadSubject(event), 1, encodeEvent(event, 1)) as T;
const loadSubject = (event: TsunagiEvent) =>
  event.type === 'ResidentRecordChanged' ? 'resident-record-changed' : 'information-item-published';

describe('logical types', () => {
  it.each(['1969-12-31', '1900-01-01', '2024-02-29', '2099-12-31'])('keeps the calendar date %s', (date) => {
    expect(roundTrip(withData(resident, { dateOfBirth: date })).data.dateOfBirth).toBe(date);
  });

  it('refuses an impossible date with INPUT_INVALID at its field', () => {
    expect(() => encodeEvent({ ...resident, data: { ...resident.data, dateOfBirth: '2023-02-29' } })).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID', path: 'dateOfBirth' }),
    );
  });

  it('keeps instants to the millisecond', () => {
    const at = new Date('1999-12-31T23:59:59.999Z');
    const event = { ...resident, envelope: { ...resident.envelope, occurredAt: at } };
    expect(roundTrip(event).envelope.occurredAt).toEqual(at);
  });

  it('writes yen as minimal two’s complement and reads back the same bigint', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -MAX_YEN, max: MAX_YEN }), (yen) => {
        const bytes = toTwosComplement(yen);
        expect(fromTwosComplement(bytes)).toBe(yen);
        if (bytes.length > 1) expect(toTwosComplement(yen >> 8n).length).toBe(bytes.length - 1);
      }),
    );
    expect(toTwosComplement(0n)).toEqual(Buffer.from([0]));
    expect(toTwosComplement(128n)).toEqual(Buffer.from([0, 128]));
    expect(toTwosComplement(-129n)).toEqual(Buffer.from([0xff, 0x7f]));
  });

  it('keeps the largest yen amounts exactly and refuses 16 digits', () => {
    const payload = {
      ...published.data.payload,
      taxableIncome: -MAX_YEN,
    } as InformationItemPublished['data']['payload'];
    const event = { ...published, data: { ...published.data, payload } } as InformationItemPublished;
    expect(roundTrip(event)).toEqual(event);
    const tooBig = { ...payload, taxableIncome: MAX_YEN + 1n } as typeof payload;
    expect(() =>
      encodeEvent({ ...published, data: { ...published.data, payload: tooBig } } as TsunagiEvent),
    ).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });
});

describe('dates are bounded to 1900-01-01 .. 2200-12-31 (core/dates.ts)', () => {
  const granted = sample<TsunagiEvent>('consent-granted', 2);
  if (granted.type !== 'ConsentGranted') throw new Error('sample');

  it('cannot encode a consent valid from 0000-01-01: INPUT_INVALID naming the field', () => {
    const ancient = { ...granted, data: { ...granted.data, validFrom: new Date('0000-01-01T00:00:00Z') } };
    expect(() => encodeEvent(ancient)).toThrow(
      expect.objectContaining({
        code: 'INPUT_INVALID',
        path: 'validFrom',
        message: 'event does not fit consent-granted v3 at validFrom',
      }),
    );
  });

  it.each([
    ['dateOfBirth', '1899-12-31'],
    ['dateOfBirth', '2201-01-01'],
  ])('cannot encode %s %s', (field, date) => {
    expect(() => encodeEvent(withData(resident, { [field]: date }))).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID', path: field }),
    );
  });

  it('cannot encode an instant outside the range, in the envelope either', () => {
    const late = {
      ...resident,
      envelope: { ...resident.envelope, recordedAt: new Date('2201-01-01T00:00:00Z') },
    };
    expect(() => encodeEvent(late)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
    const last = new Date('2200-12-31T23:59:59.999Z');
    const edge = { ...resident, envelope: { ...resident.envelope, recordedAt: last } };
    expect(roundTrip(edge).envelope.recordedAt).toEqual(last);
    expect(roundTrip(withData(resident, { dateOfBirth: '2200-12-31' })).data.dateOfBirth).toBe('2200-12-31');
  });

  it('refuses the same values when an event is validated, with the range in the message', () => {
    expect(() => parseEvent(withData(resident, { dateOfBirth: '1899-12-31' }))).toThrow(
      expect.objectContaining({
        code: 'INPUT_INVALID',
        path: 'data.dateOfBirth',
        message: 'invalid event at data.dateOfBirth: must lie between 1900-01-01 and 2200-12-31',
      }),
    );
  });
});

describe('avroOptions with @kafkajs/confluent-schema-registry', () => {
  const viaRegistryClient = () =>
    schemaFromConfluentSchema(
      { type: SchemaType.AVRO, schema: JSON.stringify(loadSchema('information-item-published', 1)) },
      { [SchemaType.AVRO]: avroOptions },
    );

  it('gives the registry client the same bytes and the same logical values', () => {
    const schema = viaRegistryClient();
    const body = schema.toBuffer(toAvroRecord(published));
    expect(body).toEqual(encodeEvent(published));
    expect(fromAvroRecord(schema.fromBuffer(body))).toEqual(published);
  });

  it('is accepted by the registry client constructor as its AVRO options', () => {
    expect(
      new SchemaRegistry({ host: 'http://127.0.0.1:9' }, { [SchemaType.AVRO]: avroOptions }),
    ).toBeDefined();
  });

  it('can be used for many schemas without avsc leaking its name registry into it', () => {
    viaRegistryClient();
    viaRegistryClient();
    expect(Object.keys(avroOptions)).toEqual(['logicalTypes', 'wrapUnions']);
  });
});

describe('codec', () => {
  it('canonicalBytes is the current version’s golden body, and equal events give equal bytes', () => {
    const granted = sample<TsunagiEvent>('consent-granted', 2);
    expect(canonicalBytes(granted).toString('hex')).toBe(readFixture('consent-granted', 2).hex);
    expect(canonicalBytes(structuredClone(resident))).toEqual(canonicalBytes(resident));
    expect(canonicalBytes(withData(resident, { sequence: 8 }))).not.toEqual(canonicalBytes(resident));
  });

  it('maps the item payload to the union branch of its kind', () => {
    expect(toAvroRecord(published).payload).toEqual({
      'jp.tsunagi.events.LocalTaxIncome': published.data.payload,
    });
  });

  it('refuses a record whose payload branch contradicts itemKind', () => {
    const record = { ...toAvroRecord(published), itemKind: 'CARE_LEVEL' };
    expect(() => fromAvroRecord(record)).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID', path: 'payload' }),
    );
  });

  it('refuses unknown subjects and corrupt bodies with stable codes', () => {
    expect(() => decodeEvent('no-such-subject', 1, Buffer.alloc(1))).toThrow(
      expect.objectContaining({ code: 'SCHEMA_NOT_FOUND' }),
    );
    expect(() => decodeEvent('resident-record-changed', 1, Buffer.from([0xff, 0xff]))).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });

  it('accepts plain Uint8Array bytes, not only Buffers', () => {
    const letter = sample<TsunagiEvent>('dead-letter');
    if (letter.type !== 'DeadLetterRecorded') throw new Error('sample');
    const plain = { ...letter, data: { ...letter.data, originalBytes: new Uint8Array([1, 2, 3]) } };
    expect(encodeEvent(plain)).toBeInstanceOf(Buffer);
    const decoded = decodeEvent('dead-letter', 1, encodeEvent(plain, 1));
    expect(decoded.type === 'DeadLetterRecorded' && [...decoded.data.originalBytes]).toEqual([1, 2, 3]);
  });

  it('accepts plain Uint8Array bytes inside a sealed dead letter (v2)', () => {
    const letter = sample<TsunagiEvent>('dead-letter');
    if (letter.type !== 'DeadLetterRecorded') throw new Error('sample');
    const sealedOriginal = {
      ciphertext: new Uint8Array(20).fill(7),
      nonce: new Uint8Array(12),
      keyVersion: 3,
    };
    const plain = { ...letter, data: { ...letter.data, sealedOriginal } };
    const decoded = decodeEvent('dead-letter', 2, encodeEvent(plain, 2));
    expect(decoded.type === 'DeadLetterRecorded' && decoded.data.sealedOriginal?.keyVersion).toBe(3);
    expect(
      decoded.type === 'DeadLetterRecorded' && [...(decoded.data.sealedOriginal?.ciphertext ?? [])],
    ).toEqual(Array(20).fill(7));
  });
});

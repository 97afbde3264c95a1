import { describe, expect, it } from 'vitest';
import { encodeEvent } from '../schemas/codec.js';
import { SAMPLE_EVENTS } from '../schemas/testing/samples.js';
import { frame } from '../schemas/wire-format.js';
import { fixedSchemaIds } from '../tests/support/schema-ids.js';
import { eventWireOver } from './event-wire.js';

const wire = eventWireOver(
  fixedSchemaIds({
    'consent-granted@1': 7,
    'consent-granted@2': 8,
    'consent-revoked@1': 9,
    'consent-granted@3': 10,
  }),
);
const granted = SAMPLE_EVENTS['consent-granted']?.[3];
const grantedV1 = SAMPLE_EVENTS['consent-granted']?.[1];

describe('the event wire (Confluent framing over a schema id table)', () => {
  it('frames an event as magic byte 0, the 4-byte id of its current version, then the Avro body', async () => {
    if (!granted) throw new Error('sample missing');
    const bytes = await wire.encode(granted);
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(10);
    expect(bytes.subarray(5)).toEqual(encodeEvent(granted, 3));
    expect(await wire.decode(bytes)).toEqual(granted);
  });

  it('decodes a body written with an older version into the current one', async () => {
    if (!grantedV1) throw new Error('sample missing');
    expect(await wire.decode(frame(7, encodeEvent(grantedV1, 1)))).toEqual(grantedV1);
  });

  it('tells which catalogue version wrote a framed record', async () => {
    if (!grantedV1) throw new Error('sample missing');
    const framed = await wire.unframe(await wire.frame('consent-granted', 1, encodeEvent(grantedV1, 1)));
    expect(framed).toMatchObject({ subject: 'consent-granted', version: 1, schemaId: 7 });
  });

  it.each([
    ['an empty value', Buffer.alloc(0)],
    ['a value shorter than the header', Buffer.from([0, 0, 0])],
    ['plain Avro (first byte not 0)', Buffer.from([0x40, 1, 2, 3, 4, 5])],
    ['a zero schema id', Buffer.from([0, 0, 0, 0, 0, 2])],
    ['a negative schema id', Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 2])],
  ])('refuses %s as not framed, saying so', async (_, bytes) => {
    await expect(wire.decode(bytes)).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      path: 'value',
      message: 'not a schema-registry framed record (magic byte 0 and a positive 4-byte schema id expected)',
    });
  });

  it('refuses a frame naming an id the registry does not hold, instead of misreading it', async () => {
    await expect(wire.decode(Buffer.from([0, 0, 0, 0, 42, 2, 4]))).rejects.toMatchObject({
      code: 'SCHEMA_NOT_FOUND',
      message: 'schema id 42 is not registered',
    });
  });

  it('refuses a framed record that is not a domain event', async () => {
    const identity = eventWireOver(fixedSchemaIds({ 'identity-enrolled@1': 3 }));
    await expect(identity.decode(frame(3, Buffer.from([0x02, 0x01])))).rejects.toMatchObject({
      code: 'SCHEMA_NOT_FOUND',
    });
  });
});

import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { createEventWire } from '../platform/event-wire.js';
import { SchemaType, testConfig, testRegistry, uniqueName } from '../tests/support/infra.js';
import { listSubjects, registrySubject, schemaPath } from './catalogue.js';
import { avroOptions, encodeEvent } from './codec.js';
import { EVENT_SUBJECTS } from './events.js';
import { SAMPLE_EVENTS } from './testing/samples.js';
import { frame } from './wire-format.js';
import { catalogueEntryOf } from './writer-schema.js';

const read = (path: string): string => readFileSync(path, 'utf8');
const v1 = read(schemaPath('consent-granted', 1));
const v2 = read(schemaPath('consent-granted', 2));
const incompatible = read(new URL('./testdata/consent-granted-incompatible.avsc', import.meta.url).pathname);

describe('the registry enforces compatibility (global BACKWARD rule)', () => {
  const registry = testRegistry();

  it('rejects an incompatible change: a new required field without a default', async () => {
    const subject = uniqueName('consent-granted');
    await registry.register({ type: SchemaType.AVRO, schema: v1 }, { subject });
    await expect(
      registry.register({ type: SchemaType.AVRO, schema: incompatible }, { subject }),
    ).rejects.toThrow(/incompatib|409|compat/i);
  });

  it('accepts a compatible v2 (an optional field with a default), whose data a v1 reader still reads', async () => {
    const subject = uniqueName('consent-granted');
    const first = await registry.register({ type: SchemaType.AVRO, schema: v1 }, { subject });
    const second = await registry.register({ type: SchemaType.AVRO, schema: v2 }, { subject });
    expect(second.id).not.toBe(first.id);

    const event = SAMPLE_EVENTS['consent-granted']?.[2];
    if (event?.type !== 'ConsentGranted') throw new Error('sample missing');
    const bodyV2 = encodeEvent(event, 2);
    const reader = avro.Type.forSchema(JSON.parse(v1), { ...avroOptions });
    const writer = avro.Type.forSchema(JSON.parse(v2), { ...avroOptions });
    const seenByV1 = reader.fromBuffer(bodyV2, reader.createResolver(writer)) as {
      consentId: string;
      channel?: unknown;
    };
    expect(seenByV1.consentId).toBe(event.data.consentId);
    expect(seenByV1).not.toHaveProperty('channel');
  });

  it('round-trips every provisioned event through the wire format', async () => {
    const wire = createEventWire(testConfig());
    for (const versions of Object.values(SAMPLE_EVENTS)) {
      const latest = Object.entries(versions).sort(([a], [b]) => Number(b) - Number(a))[0]?.[1];
      if (!latest) continue;
      const framed = await wire.encode(latest);
      expect(framed[0]).toBe(0);
      expect(await wire.decode(framed)).toEqual(latest);
    }
  });

  it('registers every schema folder under its record full name (RecordNameStrategy), every version in order', async () => {
    const { registryCcompatUrl } = testConfig();
    for (const { subject: folder, versions } of listSubjects()) {
      const subject = encodeURIComponent(registrySubject(folder));
      const registered = await (await fetch(`${registryCcompatUrl}/subjects/${subject}/versions`)).json();
      expect(registered, folder).toEqual(versions);
      for (const version of versions) {
        const { schema } = (await (
          await fetch(`${registryCcompatUrl}/subjects/${subject}/versions/${version}`)
        ).json()) as { schema: string };
        expect(catalogueEntryOf(JSON.parse(schema))).toMatchObject({ subject: folder, version });
      }
    }
  });

  it('frames each event with the id of its current version under the record-name subject', async () => {
    const { registryCcompatUrl } = testConfig();
    const wire = createEventWire(testConfig());
    const current = EVENT_SUBJECTS.ConsentGranted.version;
    const event = SAMPLE_EVENTS['consent-granted']?.[current];
    if (!event) throw new Error('sample missing');
    const subject = encodeURIComponent('jp.tsunagi.events.ConsentGranted');
    const { id } = (await (
      await fetch(`${registryCcompatUrl}/subjects/${subject}/versions/${current}`)
    ).json()) as { id: number };
    expect((await wire.encode(event)).readInt32BE(1)).toBe(id);
  });

  it('decodes a record whose id was registered under another subject and text: ids are global, content decides', async () => {
    // As records written under the old `tsunagi.<folder>` subjects are: their ids stay valid.
    const compact = JSON.stringify(JSON.parse(v1));
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: compact },
      { subject: uniqueName('tsunagi.consent-granted') },
    );
    const ours = (await (
      await fetch(
        `${testConfig().registryCcompatUrl}/subjects/${registrySubject('consent-granted')}/versions/1`,
      )
    ).json()) as { id: number };
    expect(id).not.toBe(ours.id);
    const event = SAMPLE_EVENTS['consent-granted']?.[1];
    if (!event) throw new Error('sample missing');
    const wire = createEventWire(testConfig());
    expect(await wire.decode(frame(id, encodeEvent(event, 1)))).toEqual(event);
  });

  it('refuses a frame whose id holds a schema outside the catalogue, naming it', async () => {
    const smoke = {
      type: 'record',
      name: 'Smoke',
      namespace: 'jp.tsunagi.test',
      fields: [{ name: 'id', type: 'string' }],
    };
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(smoke) },
      { subject: uniqueName('smoke') },
    );
    const wire = createEventWire(testConfig());
    await expect(wire.decode(frame(id, Buffer.from([2, 0x41])))).rejects.toMatchObject({
      code: 'SCHEMA_NOT_FOUND',
      message: `schema id ${id} (jp.tsunagi.test.Smoke) is not one of Tsunagi's schemas`,
    });
    await expect(wire.decode(frame(2_000_000_000, Buffer.from([2])))).rejects.toMatchObject({
      code: 'SCHEMA_NOT_FOUND',
      message: 'schema id 2000000000 is not registered',
    });
  });

  it('fails clearly when the registry is unreachable', async () => {
    const wire = createEventWire({ registryCcompatUrl: 'http://127.0.0.1:1/apis/ccompat/v7' });
    const event = SAMPLE_EVENTS['resident-record-changed']?.[1];
    if (!event) throw new Error('sample missing');
    await expect(wire.encode(event)).rejects.toMatchObject({ code: 'REGISTRY_UNAVAILABLE', retriable: true });
  });
});

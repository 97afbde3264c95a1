import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { avroOptions, currentVersion, decodeEvent, encodeEvent, subjectOf } from '../schemas/codec.js';
import type { TsunagiEvent } from '../schemas/events.js';
import { frame, unframe } from '../schemas/wire-format.js';
import type { InfraConfig } from './config.js';
import { type CatalogueEntry, registrySchemaIds, type SchemaIds } from './schema-ids.js';

/** The registry client (used for registration); our logical types are passed to avsc. */
export const createSchemaRegistry = (config: Pick<InfraConfig, 'registryCcompatUrl'>): SchemaRegistry =>
  new SchemaRegistry({ host: config.registryCcompatUrl }, { AVRO: { ...avroOptions } });

/** A framed record read back: which catalogue version wrote the body, under which registry id. */
export interface FramedRecord extends CatalogueEntry {
  schemaId: number;
  body: Buffer;
}

/**
 * The one wire of every topic whose schema is registered: the Confluent format (magic byte 0, 4-byte
 * schema id, Avro body), so stock Confluent deserializers read our topics. Events are encoded with our
 * own codec (canonical bytes, matching the golden fixtures) and any registered version decodes into the
 * current one. `frame`/`unframe` carry records that are not domain events (the identity topics).
 *
 * A value that is not a frame, or names an id the registry does not hold, or an id whose schema is not
 * in schemas/, is refused (INPUT_INVALID / SCHEMA_NOT_FOUND), never read as something else.
 */
export interface EventWire {
  encode(event: TsunagiEvent): Promise<Buffer>;
  decode(bytes: Uint8Array): Promise<TsunagiEvent>;
  /** Frames an Avro body written with `version` of the schema folder `subject`. */
  frame(subject: string, version: number, body: Uint8Array): Promise<Buffer>;
  unframe(bytes: Uint8Array): Promise<FramedRecord>;
}

export const createEventWire = (config: Pick<InfraConfig, 'registryCcompatUrl'>): EventWire =>
  eventWireOver(registrySchemaIds(config));

/** The wire over any id lookup (tests pass a fixed table; production the registry). */
export function eventWireOver(ids: SchemaIds): EventWire {
  const frameBody = async (subject: string, version: number, body: Uint8Array) =>
    frame(await ids.idOf(subject, version), body);
  const unframeBody = async (bytes: Uint8Array): Promise<FramedRecord> => {
    const { schemaId, body } = unframe(bytes);
    return { ...(await ids.writerOf(schemaId)), schemaId, body };
  };
  return {
    frame: frameBody,
    unframe: unframeBody,
    encode(event) {
      const version = currentVersion(event.type);
      return frameBody(subjectOf(event.type), version, encodeEvent(event, version));
    },
    async decode(bytes) {
      const { subject, version, body } = await unframeBody(bytes);
      return decodeEvent(subject, version, body);
    },
  };
}

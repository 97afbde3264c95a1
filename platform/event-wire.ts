import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { TsunagiError } from '../core/errors.js';
import { registrySubject } from '../schemas/catalogue.js';
import { avroOptions, currentVersion, decodeEvent, encodeEvent, subjectOf } from '../schemas/codec.js';
import type { TsunagiEvent } from '../schemas/events.js';
import { frame, unframe } from '../schemas/wire-format.js';
import type { InfraConfig } from './config.js';

/** The registry client (used for registration); our logical types are passed to avsc. */
export const createSchemaRegistry = (config: Pick<InfraConfig, 'registryCcompatUrl'>): SchemaRegistry =>
  new SchemaRegistry({ host: config.registryCcompatUrl }, { AVRO: { ...avroOptions } });

/**
 * Encodes domain events to framed Avro with our own codec (so the bytes are canonical and
 * match the golden fixtures) and decodes any registered version into the current one.
 * Schema ids are looked up once per subject version through the Confluent-compatible API
 * and cached; the registry keeps them stable across restarts (file-backed storage).
 */
export interface EventWire {
  encode(event: TsunagiEvent): Promise<Buffer>;
  decode(bytes: Uint8Array): Promise<TsunagiEvent>;
}

const PREFIX = registrySubject('');

export function createEventWire(config: Pick<InfraConfig, 'registryCcompatUrl'>): EventWire {
  const idBySubjectVersion = new Map<string, number>();
  const subjectVersionById = new Map<number, { subject: string; version: number }>();
  const remember = (id: number, subject: string, version: number) => {
    idBySubjectVersion.set(`${subject}@${version}`, id);
    subjectVersionById.set(id, { subject, version });
  };

  async function schemaId(subject: string, version: number): Promise<number> {
    const cached = idBySubjectVersion.get(`${subject}@${version}`);
    if (cached !== undefined) return cached;
    const { id } = await getJson<{ id: number }>(
      config.registryCcompatUrl,
      `/subjects/${encodeURIComponent(registrySubject(subject))}/versions/${version}`,
      `schema ${registrySubject(subject)} v${version}`,
    );
    remember(id, subject, version);
    return id;
  }

  async function subjectVersion(id: number): Promise<{ subject: string; version: number }> {
    const cached = subjectVersionById.get(id);
    if (cached) return cached;
    const uses = await getJson<Array<{ subject: string; version: number }>>(
      config.registryCcompatUrl,
      `/schemas/ids/${id}/versions`,
      `schema id ${id}`,
    );
    const ours = uses.find((u) => u.subject.startsWith(PREFIX));
    if (!ours) throw new TsunagiError('SCHEMA_NOT_FOUND', `schema id ${id} is not one of Tsunagi's subjects`);
    remember(id, ours.subject.slice(PREFIX.length), ours.version);
    return { subject: ours.subject.slice(PREFIX.length), version: ours.version };
  }

  return {
    async encode(event) {
      const version = currentVersion(event.type);
      return frame(await schemaId(subjectOf(event.type), version), encodeEvent(event, version));
    },
    async decode(bytes) {
      const { schemaId: id, body } = unframe(bytes);
      const { subject, version } = await subjectVersion(id);
      return decodeEvent(subject, version, body);
    },
  };
}

async function getJson<T>(base: string, path: string, what: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(10_000) });
  } catch (cause) {
    throw new TsunagiError('REGISTRY_UNAVAILABLE', `schema registry unreachable while looking up ${what}`, {
      cause,
    });
  }
  if (response.status === 404) throw new TsunagiError('SCHEMA_NOT_FOUND', `${what} is not registered`);
  if (!response.ok)
    throw new TsunagiError(
      'REGISTRY_UNAVAILABLE',
      `schema registry answered HTTP ${response.status} for ${what}`,
    );
  return (await response.json()) as T;
}

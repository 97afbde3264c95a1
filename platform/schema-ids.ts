import { readFileSync } from 'node:fs';
import { TsunagiError } from '../core/errors.js';
import { registrySubject, schemaPath } from '../schemas/catalogue.js';
import { catalogueEntryOf } from '../schemas/writer-schema.js';
import type { InfraConfig } from './config.js';

/** A schema folder's version, as the catalogue (schemas/) knows it. */
export interface CatalogueEntry {
  /** Folder under schemas/, e.g. `consent-granted`. */
  subject: string;
  version: number;
}

/**
 * Schema ids ↔ catalogue entries, through the registry's Confluent-compatible API. Both directions are
 * decided by content, never by registry version numbers: `idOf` looks the version file's text up under
 * its RecordNameStrategy subject; `writerOf` fetches the id's schema and matches it against schemas/.
 * Answers are cached for the process; ids are global and immutable, so a cache never goes stale.
 */
export interface SchemaIds {
  idOf(subject: string, version: number): Promise<number>;
  writerOf(id: number): Promise<CatalogueEntry>;
}

export function registrySchemaIds(config: Pick<InfraConfig, 'registryCcompatUrl'>): SchemaIds {
  const base = config.registryCcompatUrl;
  const ids = new Map<string, number>();
  const entries = new Map<number, CatalogueEntry>();
  // One registry call per key however many records ask at once: a batch of 1,000 rows encodes in
  // parallel, and 1,000 identical lookups on a cold cache made a loaded registry time out.
  const pending = new Map<string, Promise<number>>();

  async function lookUpId(subject: string, version: number, key: string): Promise<number> {
    const registered = registrySubject(subject);
    const what = `schema ${subject} v${version} under subject ${registered}`;
    const { id } = await registryJson<{ id: number }>(
      base,
      `/subjects/${encodeURIComponent(registered)}`,
      what,
      {
        schema: readFileSync(schemaPath(subject, version), 'utf8'),
      },
    );
    ids.set(key, id);
    entries.set(id, { subject, version });
    return id;
  }

  return {
    async idOf(subject, version) {
      const key = `${subject}@${version}`;
      const cached = ids.get(key);
      if (cached !== undefined) return cached;
      let lookup = pending.get(key);
      if (!lookup) {
        lookup = lookUpId(subject, version, key).finally(() => pending.delete(key));
        pending.set(key, lookup);
      }
      return lookup;
    },

    async writerOf(id) {
      const cached = entries.get(id);
      if (cached) return cached;
      const { schema } = await registryJson<{ schema: string }>(
        base,
        `/schemas/ids/${id}`,
        `schema id ${id}`,
      );
      let parsed: unknown;
      try {
        parsed = JSON.parse(schema);
      } catch {
        parsed = undefined;
      }
      const entry = catalogueEntryOf(parsed);
      if (!entry.ok) {
        throw new TsunagiError(
          'SCHEMA_NOT_FOUND',
          entry.reason === 'NOT_OURS'
            ? `schema id ${id} (${entry.detail}) is not one of Tsunagi's schemas`
            : `schema id ${id} is a version of ${entry.detail} that schemas/ does not hold`,
          { path: 'value' },
        );
      }
      entries.set(id, { subject: entry.subject, version: entry.version });
      return { subject: entry.subject, version: entry.version };
    },
  };
}

/**
 * A call to the Confluent-compatible API: GET, or POST when there is a body (`method` overrides).
 * 404 is SCHEMA_NOT_FOUND; 409 and 422 (incompatible or invalid schema) are SCHEMA_INCOMPATIBLE with
 * the registry's own message; anything else that fails is REGISTRY_UNAVAILABLE (retriable).
 */
export async function registryJson<T>(
  base: string,
  path: string,
  what: string,
  body?: unknown,
  method: 'GET' | 'POST' | 'PUT' = body === undefined ? 'GET' : 'POST',
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (cause) {
    throw new TsunagiError('REGISTRY_UNAVAILABLE', `schema registry unreachable while looking up ${what}`, {
      cause,
    });
  }
  if (response.status === 404) throw new TsunagiError('SCHEMA_NOT_FOUND', `${what} is not registered`);
  if (response.status === 409 || response.status === 422) {
    const { message } = (await response.json().catch(() => ({}))) as { message?: string };
    throw new TsunagiError('SCHEMA_INCOMPATIBLE', `${what}: ${message ?? `HTTP ${response.status}`}`);
  }
  if (!response.ok) {
    throw new TsunagiError(
      'REGISTRY_UNAVAILABLE',
      `schema registry answered HTTP ${response.status} for ${what}`,
    );
  }
  return (await response.json()) as T;
}

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
 * Answers are cached for the process (failures are not); ids are global and immutable, so a cache never
 * goes stale.
 */
export interface SchemaIds {
  idOf(subject: string, version: number): Promise<number>;
  writerOf(id: number): Promise<CatalogueEntry>;
}

export function registrySchemaIds(config: Pick<InfraConfig, 'registryCcompatUrl'>): SchemaIds {
  const base = config.registryCcompatUrl;
  // Promises are cached, so concurrent encodings of a new subject ask the registry once.
  const ids = new Map<string, Promise<number>>();
  const entries = new Map<number, Promise<CatalogueEntry>>();
  const remember = <K, V>(cache: Map<K, Promise<V>>, key: K, lookup: () => Promise<V>): Promise<V> => {
    const known = cache.get(key);
    if (known) return known;
    const found = lookup();
    cache.set(key, found);
    found.catch(() => cache.delete(key));
    return found;
  };

  return {
    idOf: (subject, version) =>
      remember(ids, `${subject}@${version}`, async () => {
        const registered = registrySubject(subject);
        const what = `schema ${subject} v${version} under subject ${registered}`;
        const { id } = await registryJson<{ id: number }>(
          base,
          `/subjects/${encodeURIComponent(registered)}`,
          what,
          { schema: readFileSync(schemaPath(subject, version), 'utf8') },
        );
        entries.set(id, Promise.resolve({ subject, version }));
        return id;
      }),

    writerOf: (id) =>
      remember(entries, id, async () => {
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
        return { subject: entry.subject, version: entry.version };
      }),
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
    throw new TsunagiError(
      'REGISTRY_UNAVAILABLE',
      `schema registry at ${base} unreachable while looking up ${what}: start it (npm run infra -- up) or check REGISTRY_URL`,
      { cause },
    );
  }
  if (response.status === 404) throw new TsunagiError('SCHEMA_NOT_FOUND', `${what} is not registered`);
  if (response.status === 409 || response.status === 422) {
    const { message } = (await response.json().catch(() => ({}))) as { message?: string };
    throw new TsunagiError('SCHEMA_INCOMPATIBLE', `${what}: ${message ?? `HTTP ${response.status}`}`);
  }
  if (!response.ok) {
    throw new TsunagiError(
      'REGISTRY_UNAVAILABLE',
      `schema registry at ${base} answered HTTP ${response.status} for ${what}`,
    );
  }
  return (await response.json()) as T;
}

import { TsunagiError } from '../../core/errors.js';
import type { CatalogueEntry, SchemaIds } from '../../platform/schema-ids.js';

/**
 * Schema ids from a fixed table (`'<folder>@<version>'` → id), for unit tests of the wire: no registry.
 * Unknown ids fail as the registry's 404 does.
 */
export function fixedSchemaIds(table: Record<string, number>): SchemaIds {
  const entries = new Map<number, CatalogueEntry>(
    Object.entries(table).map(([key, id]) => {
      const [subject = '', version = ''] = key.split('@');
      return [id, { subject, version: Number(version) }];
    }),
  );
  return {
    async idOf(subject, version) {
      const id = table[`${subject}@${version}`];
      if (id === undefined)
        throw new TsunagiError('SCHEMA_NOT_FOUND', `${subject} v${version} is not registered`);
      return id;
    },
    async writerOf(id) {
      const entry = entries.get(id);
      if (!entry) throw new TsunagiError('SCHEMA_NOT_FOUND', `schema id ${id} is not registered`);
      return entry;
    },
  };
}

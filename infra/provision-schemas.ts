import { readFileSync } from 'node:fs';
import type { InfraConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { registryJson } from '../platform/schema-ids.js';
import { listSubjects, registrySubject, schemaPath } from '../schemas/catalogue.js';

/**
 * Registers every version of every schema folder, oldest first, under the folder's RecordNameStrategy
 * subject (the record's full name, `registrySubject`), so the registry checks each new version against
 * the ones before it under the BACKWARD rule, then pins the subject's own compatibility to BACKWARD.
 * Registering a schema the registry already holds returns its existing id (idempotent; ids are
 * global, so records written under the older `tsunagi.<folder>` subjects keep theirs).
 *
 * Plain HTTP rather than a client library: a subject first created by someone else (a stock
 * serializer with auto-registration) has no subject-level config, which such libraries refuse.
 * Only the registration's answer counts: a compatibility *check* against a subject that does not
 * exist answers "compatible" (Confluent's API contract; docs/events.md). Returns
 * `<subject>@v<N>` → schema id. Throws SCHEMA_INCOMPATIBLE naming the file the registry refused.
 */
export async function provisionSchemas(
  config: Pick<InfraConfig, 'registryCcompatUrl'>,
  logger: Logger,
): Promise<Map<string, number>> {
  const base = config.registryCcompatUrl;
  const ids = new Map<string, number>();
  for (const { subject: folder, versions } of listSubjects()) {
    const subject = registrySubject(folder);
    const path = `/subjects/${encodeURIComponent(subject)}`;
    for (const version of versions) {
      const file = schemaPath(folder, version);
      const { id } = await registryJson<{ id: number }>(base, `${path}/versions`, `registering ${file}`, {
        schema: readFileSync(file, 'utf8'),
      });
      ids.set(`${subject}@v${version}`, id);
    }
    await registryJson(
      base,
      `/config/${encodeURIComponent(subject)}`,
      `compatibility of ${subject}`,
      {
        compatibility: 'BACKWARD',
      },
      'PUT',
    );
  }
  logger.info({ subjects: listSubjects().length, versions: ids.size }, 'schemas registered');
  return ids;
}

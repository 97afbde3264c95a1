import { readFileSync } from 'node:fs';
import { type SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { TsunagiError } from '../core/errors.js';
import type { Logger } from '../platform/logger.js';
import { listSubjects, registrySubject, schemaPath } from '../schemas/catalogue.js';

/**
 * Registers every version of every subject, oldest first, so the registry checks each
 * new version against the ones before it under the global BACKWARD rule. Registering
 * a schema the registry already holds returns its existing id (idempotent).
 */
export async function provisionSchemas(
  registry: SchemaRegistry,
  logger: Logger,
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const { subject, versions } of listSubjects()) {
    for (const version of versions) {
      const path = schemaPath(subject, version);
      try {
        const { id } = await registry.register(
          { type: SchemaType.AVRO, schema: readFileSync(path, 'utf8') },
          { subject: registrySubject(subject) },
        );
        ids.set(`${registrySubject(subject)}@v${version}`, id);
      } catch (error) {
        throw new TsunagiError('SCHEMA_INCOMPATIBLE', `registering ${path}: ${(error as Error).message}`, {
          path,
          cause: error,
        });
      }
    }
  }
  logger.info({ versions: ids.size }, 'schemas registered');
  return ids;
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TsunagiError } from '../core/errors.js';

/**
 * The schema files on disk: `schemas/<subject>/v<N>.avsc`. Every folder holding version files is a
 * subject (including those owned by other modules, e.g. identity-enrolled), so provisioning
 * registers them all. Reading files is the only I/O here.
 */
export const SCHEMAS_DIR = fileURLToPath(new URL('.', import.meta.url));

export interface SubjectVersions {
  subject: string;
  /** Ascending, e.g. [1, 2]. */
  versions: number[];
  latest: number;
}

/** An Avro record schema as parsed from JSON. */
export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  fields: Array<{ name: string; type: unknown; default?: unknown; doc?: string }>;
  [attribute: string]: unknown;
}

const VERSION_FILE = /^v([1-9]\d*)\.avsc$/;
const SUBJECT_NAME = /^[a-z][a-z0-9-]*$/;

/** Registry subject name under which provisioning registers a subject's versions. */
export const registrySubject = (subject: string): string => `tsunagi.${subject}`;

export function listSubjects(dir: string = SCHEMAS_DIR): SubjectVersions[] {
  const subjects: SubjectVersions[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !SUBJECT_NAME.test(entry.name)) continue;
    const versions = readdirSync(join(dir, entry.name))
      .map((file) => VERSION_FILE.exec(file)?.[1])
      .filter((v): v is string => v !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const latest = versions.at(-1);
    if (latest !== undefined) subjects.push({ subject: entry.name, versions, latest });
  }
  return subjects.sort((a, b) => a.subject.localeCompare(b.subject));
}

export const schemaPath = (subject: string, version: number, dir: string = SCHEMAS_DIR): string =>
  join(dir, subject, `v${version}.avsc`);

/** The parsed schema of one subject version. Throws `SCHEMA_NOT_FOUND` when there is no such file. */
export function loadSchema(subject: string, version: number, dir: string = SCHEMAS_DIR): AvroRecordSchema {
  if (!SUBJECT_NAME.test(subject) || !Number.isInteger(version) || version < 1) {
    throw new TsunagiError('SCHEMA_NOT_FOUND', `no schema ${subject} v${version}`, { path: subject });
  }
  const path = schemaPath(subject, version, dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new TsunagiError('SCHEMA_NOT_FOUND', `no schema ${subject} v${version}`, { path, cause });
  }
  const parsed = JSON.parse(text) as AvroRecordSchema;
  if (parsed.type !== 'record' || typeof parsed.name !== 'string' || !Array.isArray(parsed.fields)) {
    throw new TsunagiError('SCHEMA_NOT_FOUND', `${subject} v${version} is not an Avro record schema`, {
      path,
    });
  }
  return parsed;
}

/** The latest version of every subject, as provisioning registers them. */
export function latestSchemas(
  dir: string = SCHEMAS_DIR,
): Array<SubjectVersions & { schema: AvroRecordSchema }> {
  return listSubjects(dir).map((s) => ({ ...s, schema: loadSchema(s.subject, s.latest, dir) }));
}

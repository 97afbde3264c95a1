import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TsunagiError } from '../core/errors.js';

/**
 * The schema files on disk: `schemas/<subject>/v<N>.avsc`. Every folder holding version files is a
 * subject folder (including those owned by other modules, e.g. identity-enrolled), so provisioning
 * registers them all, under the registry subject `registrySubject(folder)` (RecordNameStrategy).
 * Reading files is the only I/O here.
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

/** The record's fully-qualified Avro name, e.g. `jp.tsunagi.events.ConsentGranted`. */
export const recordFullName = (schema: Pick<AvroRecordSchema, 'name' | 'namespace'>): string =>
  schema.name.includes('.') || !schema.namespace ? schema.name : `${schema.namespace}.${schema.name}`;

const namesByDir = new Map<string, Map<string, string>>();

/**
 * Folder → record full name, checked for what RecordNameStrategy needs: every version of a folder
 * names the same record (a rename would start a new subject with no history), and no two folders
 * name the same record (they would share one subject and one compatibility history).
 * Throws `SCHEMA_INCOMPATIBLE` naming both files otherwise.
 */
export function recordNames(dir: string = SCHEMAS_DIR): ReadonlyMap<string, string> {
  const cached = namesByDir.get(dir);
  if (cached) return cached;
  const names = new Map<string, string>();
  const folderOf = new Map<string, string>();
  for (const { subject, versions } of listSubjects(dir)) {
    for (const version of versions) {
      const name = recordFullName(loadSchema(subject, version, dir));
      const first = names.get(subject);
      if (first !== undefined && first !== name) {
        throw new TsunagiError(
          'SCHEMA_INCOMPATIBLE',
          `${subject} v${version} names ${name} but v1 names ${first}: a subject keeps one record name`,
          { path: schemaPath(subject, version, dir) },
        );
      }
      const other = folderOf.get(name);
      if (other !== undefined && other !== subject) {
        throw new TsunagiError(
          'SCHEMA_INCOMPATIBLE',
          `${subject} and ${other} both define ${name}: record names must be unique across subjects`,
          { path: schemaPath(subject, version, dir) },
        );
      }
      names.set(subject, name);
      folderOf.set(name, subject);
    }
  }
  namesByDir.set(dir, names);
  return names;
}

/**
 * The registry subject of a schema folder under RecordNameStrategy: the record's full name. It does
 * not depend on the topic or its prefix, so stock serializers configured with
 * `record_subject_name_strategy` / `RecordNameStrategy` find our schemas on every topic.
 */
export function registrySubject(subject: string, dir: string = SCHEMAS_DIR): string {
  const name = recordNames(dir).get(subject);
  if (name === undefined) throw new TsunagiError('SCHEMA_NOT_FOUND', `no schema folder ${subject}`);
  return name;
}

/** The schema folder whose records are named `fullName`, or undefined when it is not ours. */
export function subjectOfRecord(fullName: string, dir: string = SCHEMAS_DIR): string | undefined {
  for (const [subject, name] of recordNames(dir)) if (name === fullName) return subject;
  return undefined;
}

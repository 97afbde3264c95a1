import avro from 'avsc';
import { type Result, refuse } from '../core/result.js';
import { listSubjects, loadSchema, recordFullName, SCHEMAS_DIR, subjectOfRecord } from './catalogue.js';

/**
 * NOT_OURS: not a record, or a record no folder in schemas/ defines;
 * UNKNOWN_VERSION: one of our records, but no version file has its shape.
 */
export type WriterRefusal = 'NOT_OURS' | 'UNKNOWN_VERSION';

const fingerprints = new Map<string, string>();

/**
 * Fingerprint of the Avro parsing canonical form: names, types, field order, symbols, sizes. Docs,
 * defaults and logical-type annotations do not count, so two texts of one schema (whitespace, key
 * order, a registry's reformatting) match, and two versions that match write identical bytes.
 */
const fingerprintOf = (schema: unknown): string =>
  avro.Type.forSchema(schema as avro.Schema)
    .fingerprint('sha256')
    .toString('hex');

function versionFingerprint(subject: string, version: number, dir: string): string {
  const key = `${dir}\u0000${subject}@${version}`;
  let fingerprint = fingerprints.get(key);
  if (fingerprint === undefined) {
    fingerprint = fingerprintOf(loadSchema(subject, version, dir));
    fingerprints.set(key, fingerprint);
  }
  return fingerprint;
}

/**
 * Which schema folder and version wrote a record, given the writer schema the registry holds for the
 * record's schema id. Matches by record full name, then by canonical form, newest version first.
 * Content, not registry subject names or version numbers, decides: ids are global, so a record written
 * before the subjects were renamed (or under any subject) still resolves.
 */
export function catalogueEntryOf(
  writerSchema: unknown,
  dir: string = SCHEMAS_DIR,
): Result<{ subject: string; version: number; recordName: string }, WriterRefusal> {
  const record = writerSchema as { type?: unknown; name?: unknown; namespace?: unknown };
  if (record?.type !== 'record' || typeof record.name !== 'string')
    return refuse('NOT_OURS', '(not a record)');
  const recordName = recordFullName({
    name: record.name,
    namespace: typeof record.namespace === 'string' ? record.namespace : undefined,
  });
  const subject = subjectOfRecord(recordName, dir);
  if (subject === undefined) return refuse('NOT_OURS', recordName);
  let fingerprint: string;
  try {
    fingerprint = fingerprintOf(writerSchema);
  } catch {
    return refuse('UNKNOWN_VERSION', recordName);
  }
  const versions = listSubjects(dir).find((s) => s.subject === subject)?.versions ?? [];
  for (const version of [...versions].reverse()) {
    if (versionFingerprint(subject, version, dir) === fingerprint) {
      return { ok: true, subject, version, recordName };
    }
  }
  return refuse('UNKNOWN_VERSION', recordName);
}

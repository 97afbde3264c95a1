import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { z } from 'zod';
import type { Result } from '../core/result.js';
import { refuse } from '../core/result.js';
import { CalendarDate } from '../schemas/primitives.js';
import { BasicFourOid, Oid } from './oids.js';
import { extension, extensionValue, parseCertificate } from './pki.js';

/**
 * The basic four information (name, address, date of birth, gender) as a JPKI signing
 * certificate carries it: subjectAltName otherName entries (OIDs in oids.ts). Values are personal
 * data: never log them; `compareBasicFour` reports field names only.
 */
export const BasicFour = z.object({
  name: z.string().min(1),
  address: z.string().min(1),
  dateOfBirth: CalendarDate,
  gender: z.string().min(1),
});
export type BasicFour = z.infer<typeof BasicFour>;
export type BasicFourField = keyof BasicFour;
export const BASIC_FOUR_FIELDS: readonly BasicFourField[] = ['name', 'address', 'dateOfBirth', 'gender'];

export type BasicFourRefusal = 'MALFORMED' | 'BASIC_FOUR_MISSING';

function readOtherNames(certificate: pkijs.Certificate): Map<string, string> | undefined {
  const san = extension(certificate, Oid.subjectAltName);
  if (!san) return new Map();
  const names = extensionValue(san);
  if (!(names instanceof asn1js.Sequence)) return undefined;
  const found = new Map<string, string>();
  for (const generalName of names.valueBlock.value) {
    if (generalName.idBlock.tagClass !== 3 || generalName.idBlock.tagNumber !== 0) continue;
    const [type, wrapped] = (generalName as asn1js.Constructed).valueBlock.value;
    const inner = (wrapped as asn1js.Constructed | undefined)?.valueBlock?.value?.[0];
    if (!(type instanceof asn1js.ObjectIdentifier) || !(inner instanceof asn1js.Utf8String)) continue;
    found.set(type.valueBlock.toString(), inner.valueBlock.value);
  }
  return found;
}

export function extractBasicFour(
  input: Uint8Array | pkijs.Certificate,
): Result<{ basicFour: BasicFour }, BasicFourRefusal> {
  const certificate = input instanceof Uint8Array ? parseCertificate(input) : input;
  if (!certificate) return refuse('MALFORMED');
  let names: Map<string, string> | undefined;
  try {
    names = readOtherNames(certificate);
  } catch {
    names = undefined;
  }
  if (!names) return refuse('MALFORMED', 'subjectAltName does not decode');
  const parsed = BasicFour.safeParse({
    name: names.get(BasicFourOid.name),
    address: names.get(BasicFourOid.address),
    dateOfBirth: names.get(BasicFourOid.dateOfBirth),
    gender: names.get(BasicFourOid.gender),
  });
  if (!parsed.success) {
    // Field names only: the values are personal data.
    const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))].join(',');
    return refuse('BASIC_FOUR_MISSING', `missing or invalid: ${fields}`);
  }
  return { ok: true, basicFour: parsed.data };
}

const DASHES = /[\u2010-\u2015\u2212\u30fc\uff0d](?=[0-9０-９])/g;

/**
 * Compares as a registry clerk would: Unicode NFKC (full-width ↔ half-width), runs of
 * whitespace (including the ideographic space) as one space, and in addresses dash variants
 * before a digit as '-'. Anything else that differs is a change.
 */
export function normalise(field: BasicFourField, value: string): string {
  const base = field === 'address' ? value.replace(DASHES, '-') : value;
  return base.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

export interface BasicFourComparison {
  changed: boolean;
  /** Names of the fields that differ; safe to log. */
  fields: BasicFourField[];
}

export function compareBasicFour(fromCertificate: BasicFour, currentRecord: BasicFour): BasicFourComparison {
  const fields = BASIC_FOUR_FIELDS.filter(
    (field) => normalise(field, fromCertificate[field]) !== normalise(field, currentRecord[field]),
  );
  return { changed: fields.length > 0, fields };
}

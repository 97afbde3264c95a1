import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Something to scan: bytes, text, or a file or directory path (walked recursively). */
export type ScanTarget =
  | Buffer
  | Uint8Array
  | string
  | { path: string }
  | { label: string; data: Buffer | string };

/**
 * One occurrence. Names the number by its index in the list that was given, never by its digits, so
 * a report can be printed and stored.
 */
export interface PrivacyFinding {
  numberIndex: number;
  source: string;
  offset: number;
  form: string;
}

const FULL_WIDTH_ZERO = 0xff10;

/** A digit string in UTF-8, UTF-16LE and UTF-16BE, each under the form's name. */
function encodings(form: string, text: string): Array<{ form: string; bytes: Buffer }> {
  return [
    { form: `${form} utf-8`, bytes: Buffer.from(text, 'utf8') },
    { form: `${form} utf-16le`, bytes: Buffer.from(text, 'utf16le') },
    { form: `${form} utf-16be`, bytes: Buffer.from(text, 'utf16le').swap16() },
  ];
}

const fullWidth = (digits: string): string =>
  [...digits].map((d) => String.fromCharCode(FULL_WIDTH_ZERO + Number(d))).join('');

/** The written forms a number can take in logs, topics and stores, each as the bytes to look for. */
function formsOf(myNumber: string): Array<{ form: string; bytes: Buffer }> {
  const groups = [myNumber.slice(0, 4), myNumber.slice(4, 8), myNumber.slice(8)];
  const forms = [
    ...encodings('digits', myNumber),
    ...encodings('hyphenated', groups.join('-')),
    ...encodings('spaced', groups.join(' ')),
    ...encodings('full-width', fullWidth(myNumber)),
  ];
  // Short varints (numbers with many leading zeros) would match random bytes everywhere.
  const long = avroLong(BigInt(myNumber));
  if (long.length >= 5) forms.push({ form: 'avro long', bytes: long });
  return forms;
}

/** Zig-zag varint, as Avro writes an int or long: a number mistakenly typed as a long still shows. */
function avroLong(value: bigint): Buffer {
  let n = value << 1n;
  const bytes: number[] = [];
  while (n >= 0x80n) {
    bytes.push(Number((n & 0x7fn) | 0x80n));
    n >>= 7n;
  }
  bytes.push(Number(n));
  return Buffer.from(bytes);
}

function* expand(target: ScanTarget, index: number): Generator<{ source: string; data: Buffer }> {
  if (typeof target === 'string') yield { source: `string #${index}`, data: Buffer.from(target, 'utf8') };
  else if (target instanceof Uint8Array) yield { source: `buffer #${index}`, data: Buffer.from(target) };
  else if ('data' in target) yield { source: target.label, data: Buffer.from(target.data) };
  else yield* walk(target.path);
}

function* walk(path: string): Generator<{ source: string; data: Buffer }> {
  const stat = statSync(path);
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path).sort()) yield* walk(join(path, entry));
  } else if (stat.isFile()) {
    yield { source: path, data: readFileSync(path) };
  }
}

/**
 * Reports every occurrence of any of `myNumbers` in `targets`: as ASCII digits, grouped 4-4-4 by '-'
 * or ' ', as full-width digits, each in UTF-8, UTF-16LE and UTF-16BE (which also covers Avro strings,
 * length-prefixed UTF-8), and as an Avro long. An empty result is the passing outcome.
 */
export function scanForMyNumbers(
  myNumbers: readonly string[],
  targets: readonly ScanTarget[],
): PrivacyFinding[] {
  const patterns = myNumbers.flatMap((n, index) => formsOf(n).map((f) => ({ ...f, index })));
  return findAll(patterns, targets).map(({ index, ...f }) => ({ numberIndex: index, ...f }));
}

/**
 * Reports every occurrence of any of `accountNumbers` (7-digit bank account numbers, 口座番号) in
 * `targets`: as ASCII and as full-width digits, each in UTF-8, UTF-16LE and UTF-16BE. Seven digits
 * are short: pass only numbers of test accounts, and expect ciphertext to match none of them (one
 * chance in ~10^13 per position).
 */
export function scanForAccountNumbers(
  accountNumbers: readonly string[],
  targets: readonly ScanTarget[],
): PrivacyFinding[] {
  const patterns = accountNumbers.flatMap((n, index) =>
    [...encodings('digits', n), ...encodings('full-width', fullWidth(n))].map((f) => ({ ...f, index })),
  );
  return findAll(patterns, targets).map(({ index, ...f }) => ({ numberIndex: index, ...f }));
}

/** Every occurrence of every pattern in every target. */
function findAll(
  patterns: ReadonlyArray<{ index: number; form: string; bytes: Buffer }>,
  targets: readonly ScanTarget[],
): Array<{ index: number; source: string; offset: number; form: string }> {
  const findings: Array<{ index: number; source: string; offset: number; form: string }> = [];
  targets.forEach((target, i) => {
    for (const { source, data } of expand(target, i)) {
      for (const { form, bytes, index } of patterns) {
        for (let at = data.indexOf(bytes); at !== -1; at = data.indexOf(bytes, at + 1)) {
          findings.push({ index, source, offset: at, form });
        }
      }
    }
  });
  return findings;
}

/** One occurrence of a given text (a name, an address, a date, a path), named by its index. */
export interface TextFinding {
  valueIndex: number;
  source: string;
  offset: number;
  form: string;
}

/**
 * Reports every occurrence of any of `values` in `targets`, as UTF-8, UTF-16LE and UTF-16BE
 * (Avro strings are length-prefixed UTF-8, so they are covered). For names, kana, birth dates,
 * addresses and file paths, where `scanForMyNumbers` looks only for digits. Pass values of at
 * least two characters: a single kanji is 2–3 bytes, which random bytes (ciphertext) contain by chance.
 */
export function scanForText(values: readonly string[], targets: readonly ScanTarget[]): TextFinding[] {
  const patterns = values.flatMap((value, index) => [
    { index, form: 'utf-8', bytes: Buffer.from(value, 'utf8') },
    { index, form: 'utf-16le', bytes: Buffer.from(value, 'utf16le') },
    { index, form: 'utf-16be', bytes: Buffer.from(value, 'utf16le').swap16() },
  ]);
  return findAll(patterns, targets).map(({ index, ...f }) => ({ valueIndex: index, ...f }));
}

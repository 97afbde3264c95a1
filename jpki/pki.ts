import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { TsunagiError } from '../core/errors.js';
import { isStrictDer } from './der.js';

/**
 * The one place that binds pkijs to Node's WebCrypto, plus the encoding helpers every JPKI
 * module shares (DER/PEM, serial numbers as hex, issuer names as stable strings).
 */
let engine: pkijs.ICryptoEngine | undefined;

export function pkiCrypto(): pkijs.ICryptoEngine {
  if (engine === undefined) {
    engine = new pkijs.CryptoEngine({ name: 'node-webcrypto', crypto: globalThis.crypto });
    // Some pkijs paths (fromBER of extensions, chain sorting) read the global engine.
    pkijs.setEngine('node-webcrypto', engine);
  }
  return engine;
}

export const toHex = (bytes: ArrayBuffer | Uint8Array): string =>
  Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');

export const toArrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/**
 * PEM labels we read (RFC 7468 §5.1 and §5.3: `X509 CERTIFICATE` and `X.509 CERTIFICATE` are
 * legacy labels parsers may accept; §6 for CRLs; §10 for PKCS#8 private keys).
 */
const PEM_LABELS = {
  certificate: ['CERTIFICATE', 'X509 CERTIFICATE', 'X.509 CERTIFICATE'],
  crl: ['X509 CRL'],
  'private-key': ['PRIVATE KEY'],
} as const;
export type PemKind = keyof typeof PEM_LABELS;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 .]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** True when the bytes are one complete DER structure (a SEQUENCE, as certificates and CRLs are). */
const isDer = (bytes: Uint8Array): boolean => bytes[0] === 0x30 && isStrictDer(bytes);

/**
 * Every DER structure of one kind in the input: the bytes themselves when they are DER, else the
 * body of each PEM block with that kind's label, in file order. Text outside the blocks is
 * ignored, as RFC 7468 §5.2 allows (`openssl x509 -text` writes the decoded certificate before the
 * block); blocks with other labels (a private key beside a certificate) are skipped. A block whose
 * body is not base64 yields an empty entry, so callers report it instead of dropping it.
 * Bytes that are complete DER are never searched for PEM, so a certificate cannot smuggle a
 * different one inside a text field.
 */
export function derBlocks(input: Uint8Array | string, kind: PemKind): Uint8Array[] {
  if (input instanceof Uint8Array && isDer(input)) return [input];
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  const labels: readonly string[] = PEM_LABELS[kind];
  const blocks: Uint8Array[] = [];
  for (const [, label, body] of text.matchAll(PEM_BLOCK)) {
    if (!label || !labels.includes(label)) continue;
    const base64 = (body ?? '').replace(/\s+/g, '');
    blocks.push(BASE64.test(base64) ? new Uint8Array(Buffer.from(base64, 'base64')) : new Uint8Array(0));
  }
  if (blocks.length === 0 && input instanceof Uint8Array && input.length > 0 && !text.includes('-----BEGIN'))
    return [input];
  return blocks;
}

/**
 * The one DER structure of a kind in DER or PEM input; undefined when there is none, or when there
 * are several (a bundle where one is expected is refused, never cut down to its first member).
 */
export function toDer(input: Uint8Array | string, kind: PemKind = 'certificate'): Uint8Array | undefined {
  const blocks = derBlocks(input, kind);
  const [only] = blocks;
  return blocks.length === 1 && only && only.length > 0 ? only : undefined;
}

/**
 * An RSA private key from PKCS#8 (PEM or DER) into WebCrypto, usable only to sign with
 * RSASSA-PKCS1-v1_5 and SHA-256 (as JPKI cards and our demo CA sign). Not extractable again.
 */
export async function importSigningKey(pkcs8: Uint8Array | string): Promise<CryptoKey> {
  const der = toDer(pkcs8, 'private-key');
  if (!der) throw new TsunagiError('INPUT_INVALID', 'not one PKCS#8 private key', { path: 'privateKey' });
  return globalThis.crypto.subtle.importKey(
    'pkcs8',
    der as Uint8Array<ArrayBuffer>,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
}

export function toPem(der: Uint8Array, label: 'CERTIFICATE' | 'X509 CRL' | 'PRIVATE KEY'): string {
  const body = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${body.replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** Parses one DER structure; undefined on any decoding error (callers report MALFORMED). */
export function parseDer<T>(der: Uint8Array, build: (schema: asn1js.AsnType) => T): T | undefined {
  try {
    const asn1 = asn1js.fromBER(toArrayBuffer(der));
    if (asn1.offset === -1 || asn1.offset !== der.byteLength) return undefined;
    return build(asn1.result);
  } catch {
    return undefined;
  }
}

export const certificateDer = (certificate: pkijs.Certificate): Uint8Array =>
  new Uint8Array(certificate.toSchema(true).toBER(false));

/**
 * A certificate in DER (RFC 5280 §4.1), fully decoded, or undefined. Found by fuzzing, both:
 * - asn1js reads some damaged lengths leniently, so the structure is checked first (der.ts);
 * - pkijs decodes the key and the extension values lazily, on first read, and asn1js can throw
 *   there (a GeneralizedTime that is not a time): they are read here, inside parseDer's catch.
 */
export const parseCertificate = (der: Uint8Array): pkijs.Certificate | undefined =>
  isStrictDer(der) ? parseDer(der, decodedWhole) : undefined;

function decodedWhole(schema: asn1js.AsnType): pkijs.Certificate {
  const certificate = new pkijs.Certificate({ schema });
  void certificate.subjectPublicKeyInfo.parsedKey;
  for (const found of certificate.extensions ?? []) void found.parsedValue;
  return certificate;
}

/** An extension's value as ASN.1; undefined when the bytes do not decode (asn1js can throw on them). */
export function extensionValue(found: pkijs.Extension): asn1js.AsnType | undefined {
  try {
    const parsed = asn1js.fromBER(new Uint8Array(found.extnValue.valueBlock.valueHexView));
    return parsed.offset === -1 ? undefined : parsed.result;
  } catch {
    return undefined;
  }
}

/** Serial numbers as lowercase hex without DER's sign-padding zeros: the key of revocation facts. */
export function serialHex(serial: asn1js.Integer): string {
  const hex = toHex(serial.valueBlock.valueHexView);
  const trimmed = hex.replace(/^(00)+/, '');
  return trimmed === '' ? '00' : trimmed;
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.6': 'C',
  '2.5.4.8': 'ST',
  '2.5.4.7': 'L',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.3': 'CN',
  '2.5.4.5': 'SERIALNUMBER',
};

/**
 * An issuer or subject name as `C=JP,O=…,CN=…` in encoded order. Used as the issuer half of the
 * `issuer + serial` key; CA names carry no personal data.
 */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((atv) => {
      const block = (atv.value as { valueBlock?: { value?: unknown } }).valueBlock;
      const text = typeof block?.value === 'string' ? block.value : toHex(atv.value.toBER(false));
      return `${SHORT_NAMES[atv.type] ?? atv.type}=${text}`;
    })
    .join(',');
}

export const extension = (certificate: { extensions?: pkijs.Extension[] }, oid: string) =>
  certificate.extensions?.find((ext) => ext.extnID === oid);

/** Revocation facts are keyed by issuer + serial (the `certificate-status` topic key). */
export const revocationKey = (issuer: string, serialNumber: string): string => `${issuer}|${serialNumber}`;

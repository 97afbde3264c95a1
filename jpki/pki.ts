import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

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

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/** DER as is, or the first PEM block's body decoded. Returns undefined when neither. */
export function toDer(input: Uint8Array | string): Uint8Array | undefined {
  const text =
    typeof input === 'string'
      ? input
      : input.length > 10 && Buffer.from(input.subarray(0, 10)).toString('latin1') === '-----BEGIN'
        ? Buffer.from(input).toString('latin1')
        : undefined;
  if (text === undefined) return input instanceof Uint8Array ? input : undefined;
  const match = PEM_BLOCK.exec(text);
  if (!match?.[2]) return undefined;
  const der = Buffer.from(match[2].replace(/\s+/g, ''), 'base64');
  return der.length === 0 ? undefined : new Uint8Array(der);
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

export const parseCertificate = (der: Uint8Array): pkijs.Certificate | undefined =>
  parseDer(der, (schema) => new pkijs.Certificate({ schema }));

export const certificateDer = (certificate: pkijs.Certificate): Uint8Array =>
  new Uint8Array(certificate.toSchema(true).toBER(false));

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

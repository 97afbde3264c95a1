import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { Oid } from '../jpki/oids.js';
import { pkiCrypto, toArrayBuffer, toPem } from '../jpki/pki.js';

/**
 * Certificates for Kafka's mutual TLS: a CA, the broker's server certificate and one client
 * certificate per principal (CN = principal). ECDSA P-256 keys, made in process with WebCrypto,
 * so no openssl or keytool is needed. Pure apart from randomness: callers decide where to store.
 */
export interface Issued {
  certPem: string;
  keyPem: string;
}
export interface KafkaCa extends Issued {
  certificate: pkijs.Certificate;
  privateKey: CryptoKey;
}

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const DAY = 86_400_000;
const ORGANISATION = 'Tsunagi Kafka';
const KP_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

const newKeys = () =>
  globalThis.crypto.subtle.generateKey(EC, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

const keyPem = async (key: CryptoKey) =>
  toPem(new Uint8Array(await globalThis.crypto.subtle.exportKey('pkcs8', key)), 'PRIVATE KEY');

function name(cn: string): pkijs.RelativeDistinguishedNames {
  // One attribute per RDN (O, then CN), so Java prints the subject as "CN=<principal>,O=Tsunagi Kafka".
  const rdn = (type: string, value: string) =>
    new asn1js.Set({
      value: [new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) }).toSchema()],
    });
  const sequence = new asn1js.Sequence({ value: [rdn('2.5.4.10', ORGANISATION), rdn('2.5.4.3', cn)] });
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(sequence.toBER(false)).result });
}

const extension = (extnID: string, critical: boolean, value: asn1js.BaseBlock) =>
  new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });

/** keyUsage bits: digitalSignature (0) for TLS peers, keyCertSign (5) and cRLSign (6) for the CA. */
const keyUsage = (ca: boolean) =>
  new asn1js.BitString({
    valueHex: toArrayBuffer(new Uint8Array([ca ? 0x06 : 0x80])),
    unusedBits: ca ? 1 : 7,
  });

function altNames(hosts: readonly string[]): pkijs.GeneralNames {
  return new pkijs.GeneralNames({
    names: hosts.map((host) =>
      isIP(host) === 4
        ? new pkijs.GeneralName({
            type: 7,
            value: new asn1js.OctetString({
              valueHex: toArrayBuffer(new Uint8Array(host.split('.').map(Number))),
            }),
          })
        : new pkijs.GeneralName({ type: 2, value: host }),
    ),
  });
}

async function sign(options: {
  cn: string;
  keys: CryptoKeyPair;
  issuer?: KafkaCa;
  validDays: number;
  ca?: boolean;
  /** Server certificate host names and IPv4 addresses (subjectAltName); absent for clients. */
  hosts?: readonly string[];
}): Promise<pkijs.Certificate> {
  const crypto = pkiCrypto();
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  certificate.serialNumber = new asn1js.Integer({ valueHex: toArrayBuffer(serial) });
  certificate.subject = name(options.cn);
  certificate.issuer = options.issuer ? options.issuer.certificate.subject : certificate.subject;
  const now = Date.now();
  certificate.notBefore.value = new Date(now - DAY);
  certificate.notAfter.value = new Date(now + options.validDays * DAY);
  await certificate.subjectPublicKeyInfo.importKey(options.keys.publicKey, crypto);
  const purposes = options.hosts ? [KP_SERVER_AUTH, Oid.kpClientAuth] : [Oid.kpClientAuth];
  certificate.extensions = [
    extension(Oid.keyUsage, true, keyUsage(options.ca === true)),
    extension(Oid.basicConstraints, true, new pkijs.BasicConstraints({ cA: options.ca === true }).toSchema()),
    ...(options.ca
      ? []
      : [extension(Oid.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: purposes }).toSchema())]),
    ...(options.hosts ? [extension(Oid.subjectAltName, false, altNames(options.hosts).toSchema())] : []),
  ];
  await certificate.sign(options.issuer?.privateKey ?? options.keys.privateKey, 'SHA-256', crypto);
  return certificate;
}

const certPem = (certificate: pkijs.Certificate) =>
  toPem(new Uint8Array(certificate.toSchema(true).toBER(false)), 'CERTIFICATE');

/** A new CA (ten years: it is the local stack's, and a deployment brings its own). */
export async function createKafkaCa(cn = 'Tsunagi Kafka CA'): Promise<KafkaCa> {
  const keys = await newKeys();
  const certificate = await sign({ cn, keys, validDays: 3650, ca: true });
  return {
    certificate,
    privateKey: keys.privateKey,
    certPem: certPem(certificate),
    keyPem: await keyPem(keys.privateKey),
  };
}

/** The CA back from its PEM files (to issue more certificates later). */
export async function loadKafkaCa(certPemText: string, keyPemText: string): Promise<KafkaCa> {
  const der = (pem: string) => Buffer.from(pem.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64');
  const certificate = pkijs.Certificate.fromBER(toArrayBuffer(new Uint8Array(der(certPemText))));
  const privateKey = await globalThis.crypto.subtle.importKey('pkcs8', der(keyPemText), EC, true, ['sign']);
  return { certificate, privateKey, certPem: certPemText, keyPem: keyPemText };
}

/**
 * A certificate for `cn` signed by `ca`: a client certificate (extendedKeyUsage clientAuth), or with
 * `hosts` a broker certificate (serverAuth and clientAuth, as brokers also connect to controllers).
 */
export async function issueKafkaCertificate(
  ca: KafkaCa,
  cn: string,
  options: { hosts?: readonly string[]; validDays?: number } = {},
): Promise<Issued> {
  const keys = await newKeys();
  const certificate = await sign({
    cn,
    keys,
    issuer: ca,
    validDays: options.validDays ?? 825,
    ...(options.hosts ? { hosts: options.hosts } : {}),
  });
  return { certPem: certPem(certificate), keyPem: await keyPem(keys.privateKey) };
}

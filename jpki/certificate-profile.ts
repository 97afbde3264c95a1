import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { KeyUsageBit, type KeyUsageName, Oid } from './oids.js';
import { extension, extensionValue } from './pki.js';

/**
 * The JPKI-like certificate profile as pure checks over a parsed certificate (docs/jpki.md).
 * Each check answers undefined when the certificate passes, or the refusal with a detail that
 * names the rule, never a value from the certificate.
 */
export type CertificatePurpose = 'user-identification' | 'signing';

export type ProfileRefusal =
  | { reason: 'KEY_USAGE_INVALID'; detail: string }
  | { reason: 'EXTENDED_KEY_USAGE_INVALID'; detail: string }
  | { reason: 'SIGNATURE_ALGORITHM_NOT_ALLOWED'; detail: string };

interface PurposeRule {
  required: readonly KeyUsageName[];
  forbidden: readonly KeyUsageName[];
  extendedKeyUsage: string;
}

export const PURPOSE_RULES: Record<CertificatePurpose, PurposeRule> = {
  'user-identification': {
    required: ['digitalSignature'],
    forbidden: ['keyCertSign', 'cRLSign'],
    extendedKeyUsage: Oid.kpClientAuth,
  },
  signing: {
    required: ['digitalSignature', 'nonRepudiation'],
    forbidden: ['keyCertSign', 'cRLSign'],
    extendedKeyUsage: Oid.kpDocumentSigning,
  },
};

/** JPKI signs with RSA and SHA-256; SHA-384/512 are accepted, SHA-1 and anything else are not. */
export const ALLOWED_SIGNATURE_ALGORITHMS: ReadonlySet<string> = new Set([
  Oid.sha256WithRsa,
  Oid.sha384WithRsa,
  Oid.sha512WithRsa,
]);
export const MIN_RSA_BITS = 2048;

export function keyUsages(certificate: pkijs.Certificate): Set<KeyUsageName> | undefined {
  const found = extension(certificate, Oid.keyUsage);
  if (!found) return undefined;
  const value = extensionValue(found);
  if (!(value instanceof asn1js.BitString)) return new Set();
  const bytes = value.valueBlock.valueHexView;
  const usages = new Set<KeyUsageName>();
  for (const [name, bit] of Object.entries(KeyUsageBit) as [KeyUsageName, number][]) {
    if (((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0) usages.add(name);
  }
  return usages;
}

export function extendedKeyUsages(certificate: pkijs.Certificate): string[] | undefined {
  const found = extension(certificate, Oid.extKeyUsage);
  if (!found) return undefined;
  return found.parsedValue instanceof pkijs.ExtKeyUsage ? found.parsedValue.keyPurposes : [];
}

export function isCa(certificate: pkijs.Certificate): boolean {
  const found = extension(certificate, Oid.basicConstraints);
  return found?.parsedValue instanceof pkijs.BasicConstraints && found.parsedValue.cA === true;
}

function rsaModulusBits(certificate: pkijs.Certificate): number | undefined {
  const key = certificate.subjectPublicKeyInfo.parsedKey;
  if (!(key instanceof pkijs.RSAPublicKey)) return undefined;
  const modulus = key.modulus.valueBlock.valueHexView;
  let start = 0;
  while (start < modulus.length && modulus[start] === 0) start += 1;
  return (modulus.length - start) * 8;
}

export function checkSignatureAlgorithm(certificate: pkijs.Certificate): ProfileRefusal | undefined {
  const algorithm = certificate.signatureAlgorithm.algorithmId;
  if (!ALLOWED_SIGNATURE_ALGORITHMS.has(algorithm) || certificate.signature.algorithmId !== algorithm) {
    return { reason: 'SIGNATURE_ALGORITHM_NOT_ALLOWED', detail: `signature algorithm ${algorithm}` };
  }
  const bits = rsaModulusBits(certificate);
  if (bits === undefined || bits < MIN_RSA_BITS) {
    return {
      reason: 'SIGNATURE_ALGORITHM_NOT_ALLOWED',
      detail: `RSA key of at least ${MIN_RSA_BITS} bits required`,
    };
  }
  return undefined;
}

export function checkPurpose(
  certificate: pkijs.Certificate,
  purpose: CertificatePurpose,
): ProfileRefusal | undefined {
  const rule = PURPOSE_RULES[purpose];
  if (isCa(certificate))
    return { reason: 'KEY_USAGE_INVALID', detail: 'a CA certificate cannot identify a resident' };
  const usages = keyUsages(certificate);
  if (!usages) return { reason: 'KEY_USAGE_INVALID', detail: 'keyUsage extension missing' };
  const missing = rule.required.filter((usage) => !usages.has(usage));
  if (missing.length > 0)
    return { reason: 'KEY_USAGE_INVALID', detail: `keyUsage lacks ${missing.join(',')}` };
  const forbidden = rule.forbidden.filter((usage) => usages.has(usage));
  if (forbidden.length > 0)
    return { reason: 'KEY_USAGE_INVALID', detail: `keyUsage has ${forbidden.join(',')}` };
  const purposes = extendedKeyUsages(certificate);
  if (!purposes?.includes(rule.extendedKeyUsage)) {
    return {
      reason: 'EXTENDED_KEY_USAGE_INVALID',
      detail: `extendedKeyUsage lacks ${rule.extendedKeyUsage}`,
    };
  }
  return undefined;
}

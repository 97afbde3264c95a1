import * as pkijs from 'pkijs';
import { checkSignatureAlgorithm, isCa } from './certificate-profile.js';
import { Oid } from './oids.js';
import { certificateDer, extension, pkiCrypto, toHex } from './pki.js';

/**
 * Builds the path leaf → … → trust anchor ourselves so a refusal can say *why* (no issuer
 * known vs. a signature that does not verify vs. an expired CA); the full RFC 5280 path
 * processing is then left to pkijs (validate.ts).
 */
export type ChainRefusal = {
  reason:
    | 'CHAIN_UNTRUSTED'
    | 'SIGNATURE_INVALID'
    | 'EXPIRED'
    | 'NOT_YET_VALID'
    | 'SIGNATURE_ALGORITHM_NOT_ALLOWED';
  detail: string;
};

export type ChainResult = { ok: true; path: pkijs.Certificate[] } | ({ ok: false } & ChainRefusal);

const MAX_DEPTH = 6;

const keyId = (certificate: pkijs.Certificate, oid: string): string | undefined => {
  const found = extension(certificate, oid);
  const value = found?.parsedValue;
  if (value instanceof pkijs.AuthorityKeyIdentifier) {
    return value.keyIdentifier ? toHex(value.keyIdentifier.valueBlock.valueHexView) : undefined;
  }
  const octets = (value as { valueBlock?: { valueHexView?: Uint8Array } } | undefined)?.valueBlock
    ?.valueHexView;
  return octets ? toHex(octets) : undefined;
};

/** Candidates by name, narrowed by key identifier when both sides state one. */
function issuerCandidates(
  certificate: pkijs.Certificate,
  pool: readonly pkijs.Certificate[],
): pkijs.Certificate[] {
  const authorityKeyId = keyId(certificate, Oid.authorityKeyIdentifier);
  return pool.filter((candidate) => {
    if (!candidate.subject.isEqual(certificate.issuer)) return false;
    const subjectKeyId = keyId(candidate, Oid.subjectKeyIdentifier);
    return authorityKeyId === undefined || subjectKeyId === undefined || authorityKeyId === subjectKeyId;
  });
}

async function signedBy(certificate: pkijs.Certificate, issuer: pkijs.Certificate): Promise<boolean> {
  try {
    return await certificate.verify(issuer, pkiCrypto());
  } catch {
    return false;
  }
}

export function checkValidity(
  certificate: pkijs.Certificate,
  at: Date,
  role: string,
): ChainRefusal | undefined {
  if (at.getTime() < certificate.notBefore.value.getTime()) return { reason: 'NOT_YET_VALID', detail: role };
  if (at.getTime() > certificate.notAfter.value.getTime()) return { reason: 'EXPIRED', detail: role };
  return undefined;
}

export async function buildPath(
  leaf: pkijs.Certificate,
  anchors: readonly pkijs.Certificate[],
  intermediates: readonly pkijs.Certificate[],
  at: Date,
): Promise<ChainResult> {
  const anchorDers = new Set(anchors.map((anchor) => toHex(certificateDer(anchor))));
  const pool = [...anchors, ...intermediates];
  const path = [leaf];
  let current = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
    const candidates = issuerCandidates(current, pool).filter((candidate) => !path.includes(candidate));
    if (candidates.length === 0) {
      return {
        ok: false,
        reason: 'CHAIN_UNTRUSTED',
        detail: `no trusted issuer for certificate at depth ${depth}`,
      };
    }
    let issuer: pkijs.Certificate | undefined;
    for (const candidate of candidates) {
      if (await signedBy(current, candidate)) {
        issuer = candidate;
        break;
      }
    }
    if (!issuer)
      return {
        ok: false,
        reason: 'SIGNATURE_INVALID',
        detail: `signature at depth ${depth} does not verify`,
      };
    path.push(issuer);
    if (anchorDers.has(toHex(certificateDer(issuer)))) return { ok: true, path };
    const role = `issuing CA at depth ${depth + 1}`;
    const algorithm = checkSignatureAlgorithm(issuer);
    if (algorithm)
      return { ok: false, reason: 'SIGNATURE_ALGORITHM_NOT_ALLOWED', detail: `${role}: ${algorithm.detail}` };
    const validity = checkValidity(issuer, at, role);
    if (validity) return { ok: false, ...validity };
    if (!isCa(issuer)) return { ok: false, reason: 'CHAIN_UNTRUSTED', detail: `${role} is not a CA` };
    current = issuer;
  }
  return { ok: false, reason: 'CHAIN_UNTRUSTED', detail: 'path too long' };
}

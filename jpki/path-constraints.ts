import * as pkijs from 'pkijs';
import { isCa, keyUsages } from './certificate-profile.js';
import { Oid } from './oids.js';
import { extension } from './pki.js';

/**
 * The RFC 5280 §6.1 checks that pkijs's path processing leaves out, over a path built by
 * `buildPath` (leaf first, trust anchor last): every critical extension is one we process
 * (§4.2), each issuer is a CA with keyCertSign (§6.1.4 (k), (n)), and no CA has more
 * intermediate CAs below it than its pathLenConstraint allows (§6.1.4 (l), (m)). As OpenSSL
 * does, the trust anchor's own extensions are checked too. Pure; details name the rule and
 * the position in the path, and of the certificate's content at most an extension's OID.
 */
export type PathRefusal = {
  reason: 'CRITICAL_EXTENSION_UNKNOWN' | 'PATH_LENGTH_EXCEEDED' | 'CHAIN_UNTRUSTED';
  detail: string;
};

/**
 * The extensions whose meaning we enforce: ours (certificate-profile.ts, chain.ts, this file)
 * and those pkijs's path processing applies (policies and name constraints). A critical
 * extension outside this list makes the certificate unusable (RFC 5280 §4.2).
 */
export const PROCESSED_EXTENSIONS: ReadonlyMap<string, string> = new Map([
  [Oid.keyUsage, 'keyUsage'],
  [Oid.basicConstraints, 'basicConstraints'],
  [Oid.extKeyUsage, 'extKeyUsage'],
  [Oid.subjectKeyIdentifier, 'subjectKeyIdentifier'],
  [Oid.authorityKeyIdentifier, 'authorityKeyIdentifier'],
  [Oid.subjectAltName, 'subjectAltName'],
  [Oid.certificatePolicies, 'certificatePolicies'],
  [Oid.policyMappings, 'policyMappings'],
  [Oid.policyConstraints, 'policyConstraints'],
  [Oid.inhibitAnyPolicy, 'inhibitAnyPolicy'],
  [Oid.nameConstraints, 'nameConstraints'],
]);

export const pathRole = (depth: number, length: number): string =>
  depth === 0 ? 'certificate' : depth === length - 1 ? 'trust anchor' : `issuing CA at depth ${depth}`;

const selfIssued = (certificate: pkijs.Certificate): boolean =>
  certificate.subject.isEqual(certificate.issuer);

/** pathLenConstraint, or undefined when absent (no limit); a value too large for a number is no limit. */
function pathLength(certificate: pkijs.Certificate): number | undefined {
  const value = extension(certificate, Oid.basicConstraints)?.parsedValue;
  if (!(value instanceof pkijs.BasicConstraints)) return undefined;
  const limit: unknown = value.pathLenConstraint;
  return typeof limit === 'number' ? limit : limit === undefined ? undefined : Number.MAX_SAFE_INTEGER;
}

export function checkPathConstraints(path: readonly pkijs.Certificate[]): PathRefusal | undefined {
  for (const [depth, certificate] of path.entries()) {
    const unknown = certificate.extensions?.find(
      (ext) => ext.critical && !PROCESSED_EXTENSIONS.has(ext.extnID),
    );
    if (unknown) {
      return {
        reason: 'CRITICAL_EXTENSION_UNKNOWN',
        detail: `${pathRole(depth, path.length)}: unknown critical extension ${unknown.extnID}`,
      };
    }
  }
  // Intermediate CAs counted from the leaf upwards; self-issued ones (key rollover) do not count.
  let below = 0;
  for (let depth = 1; depth < path.length; depth += 1) {
    const issuer = path[depth] as pkijs.Certificate;
    const role = pathRole(depth, path.length);
    if (!isCa(issuer)) return { reason: 'CHAIN_UNTRUSTED', detail: `${role} is not a CA` };
    if (keyUsages(issuer)?.has('keyCertSign') === false)
      return { reason: 'CHAIN_UNTRUSTED', detail: `${role}: keyUsage lacks keyCertSign` };
    const limit = pathLength(issuer);
    if (limit !== undefined && below > limit) {
      return {
        reason: 'PATH_LENGTH_EXCEEDED',
        detail: `${role} allows ${limit} intermediate CA(s) below it (pathLenConstraint); the path has ${below}`,
      };
    }
    if (depth < path.length - 1 && !selfIssued(issuer)) below += 1;
  }
  return undefined;
}

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Result } from '../core/result.js';
import { refuse } from '../core/result.js';
import { ALLOWED_SIGNATURE_ALGORITHMS, keyUsages } from './certificate-profile.js';
import { Oid } from './oids.js';
import {
  extensionValue,
  formatName,
  parseCertificate,
  parseDer,
  pkiCrypto,
  serialHex,
  toDer,
} from './pki.js';
import { type CertificateStatusDraft, type Revocation, reasonFromCode } from './revocation.js';
import { revokedStatus } from './revocation-events.js';
import { isRevoked, type RevocationRows } from './revocation-view.js';

export interface ParsedCrl {
  crl: pkijs.CertificateRevocationList;
  issuer: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  crlNumber?: bigint;
  entries: Revocation[];
}

export type CrlRefusal =
  | 'MALFORMED'
  | 'ISSUER_MISMATCH'
  | 'ISSUER_NOT_CRL_SIGNER'
  | 'SIGNATURE_ALGORITHM_NOT_ALLOWED'
  | 'SIGNATURE_INVALID'
  | 'NOT_YET_VALID'
  | 'STALE';

function entryReason(entry: pkijs.RevokedCertificate): number | undefined {
  const found = entry.crlEntryExtensions?.extensions.find((ext) => ext.extnID === Oid.crlReason);
  if (!found) return undefined;
  const value = extensionValue(found);
  return value instanceof asn1js.Enumerated ? value.valueBlock.valueDec : undefined;
}

function crlNumber(crl: pkijs.CertificateRevocationList): bigint | undefined {
  const found = crl.crlExtensions?.extensions.find((ext) => ext.extnID === Oid.crlNumber);
  if (!found) return undefined;
  const value = extensionValue(found);
  return value instanceof asn1js.Integer ? value.toBigInt() : undefined;
}

/** Parses a CRL from DER or PEM. Pure: no signature or freshness check (see `validateCrl`). */
export function parseCrl(input: Uint8Array | string): Result<{ crl: ParsedCrl }, 'MALFORMED'> {
  const der = toDer(input, 'crl');
  const crl = der ? parseDer(der, (schema) => new pkijs.CertificateRevocationList({ schema })) : undefined;
  if (!crl) return refuse('MALFORMED', 'not a DER or PEM CRL');
  try {
    const issuer = formatName(crl.issuer);
    const entries = (crl.revokedCertificates ?? []).map((entry) => ({
      issuer,
      serialNumber: serialHex(entry.userCertificate),
      revokedAt: entry.revocationDate.value,
      reason: reasonFromCode(entryReason(entry)),
    }));
    const number = crlNumber(crl);
    return {
      ok: true,
      crl: {
        crl,
        issuer,
        thisUpdate: crl.thisUpdate.value,
        ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.value } : {}),
        ...(number === undefined ? {} : { crlNumber: number }),
        entries,
      },
    };
  } catch {
    return refuse('MALFORMED', 'CRL entries do not decode');
  }
}

/**
 * A CRL is fresh from thisUpdate until nextUpdate. One without nextUpdate is treated as stale:
 * we cannot know when it stopped being the latest word (JPKI CRLs always state it).
 */
export function checkCrlFreshness(crl: ParsedCrl, at: Date): 'NOT_YET_VALID' | 'STALE' | undefined {
  if (at.getTime() < crl.thisUpdate.getTime()) return 'NOT_YET_VALID';
  if (!crl.nextUpdate || at.getTime() > crl.nextUpdate.getTime()) return 'STALE';
  return undefined;
}

/** Parses, then checks issuer name, the issuer's cRLSign right, the signature, and freshness at `at`. */
export async function validateCrl(
  input: Uint8Array | string,
  options: { issuerCertificate: Uint8Array | pkijs.Certificate; at: Date },
): Promise<Result<{ crl: ParsedCrl }, CrlRefusal>> {
  const parsed = parseCrl(input);
  if (!parsed.ok) return parsed;
  const { crl } = parsed;
  const issuerCertificate =
    options.issuerCertificate instanceof Uint8Array
      ? parseCertificate(options.issuerCertificate)
      : options.issuerCertificate;
  if (!issuerCertificate) return refuse('MALFORMED', 'issuer certificate does not parse');
  if (!crl.crl.issuer.isEqual(issuerCertificate.subject)) return refuse('ISSUER_MISMATCH');
  if (!keyUsages(issuerCertificate)?.has('cRLSign')) return refuse('ISSUER_NOT_CRL_SIGNER');
  if (!ALLOWED_SIGNATURE_ALGORITHMS.has(crl.crl.signatureAlgorithm.algorithmId)) {
    return refuse('SIGNATURE_ALGORITHM_NOT_ALLOWED', crl.crl.signatureAlgorithm.algorithmId);
  }
  let verified = false;
  try {
    verified = await crl.crl.verify({ issuerCertificate }, pkiCrypto());
  } catch {
    verified = false;
  }
  if (!verified) return refuse('SIGNATURE_INVALID');
  const freshness = checkCrlFreshness(crl, options.at);
  if (freshness) return refuse(freshness);
  return { ok: true, crl };
}

/**
 * The CRL's revocations the view does not know yet, as events to publish. Re-ingesting the same
 * CRL yields nothing; publishing twice would be harmless anyway (the view is idempotent).
 */
export function diffRevocations(known: RevocationRows, crl: ParsedCrl): CertificateStatusDraft[] {
  return crl.entries
    .filter((entry) => !isRevoked(known, entry.issuer, entry.serialNumber).revoked)
    .map((entry) => revokedStatus(entry, 'CRL'));
}

import * as pkijs from 'pkijs';
import { TsunagiError } from '../core/errors.js';
import { type CertificatePurpose, checkPurpose, checkSignatureAlgorithm } from './certificate-profile.js';
import { buildPath, checkValidity } from './chain.js';
import { checkPathConstraints } from './path-constraints.js';
import { derBlocks, formatName, parseCertificate, pkiCrypto, serialHex } from './pki.js';
import type { RevocationChecker, RevocationReason, RevocationSource } from './revocation.js';

export type ValidationReason =
  | 'CHAIN_UNTRUSTED'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'KEY_USAGE_INVALID'
  | 'EXTENDED_KEY_USAGE_INVALID'
  | 'SIGNATURE_ALGORITHM_NOT_ALLOWED'
  | 'SIGNATURE_INVALID'
  | 'CRITICAL_EXTENSION_UNKNOWN'
  | 'PATH_LENGTH_EXCEEDED'
  | 'REVOKED'
  | 'REVOCATION_UNKNOWN'
  | 'MALFORMED';

export interface ValidationOptions {
  /**
   * DER or PEM of the trusted roots; a PEM input may hold several (a bundle), and every one is
   * trusted. Configuration: an input holding no certificate, or one that does not parse, throws
   * CONFIG_INVALID.
   */
  trustAnchors: readonly (Uint8Array | string)[];
  /** Candidate issuing CAs, DER or PEM (bundles too); certificates that do not parse are ignored. */
  intermediates?: readonly (Uint8Array | string)[];
  at: Date;
  purpose: CertificatePurpose;
  revocation: RevocationChecker;
}

export interface ValidCertificate {
  ok: true;
  certificate: pkijs.Certificate;
  serialNumber: string;
  issuer: string;
  /** Serial-like CN only: JPKI card certificates carry no personal data in the subject. */
  subject: string;
  notAfter: Date;
  revocationSource: RevocationSource;
  /** Set when OCSP could not answer and the CRL view did. */
  fallbackReason?: string;
}

export type ValidationResult =
  | ValidCertificate
  | { ok: false; reason: 'REVOKED'; revokedAt: Date; revocationReason: RevocationReason; detail?: string }
  | { ok: false; reason: Exclude<ValidationReason, 'REVOKED'>; detail?: string };

const refuse = (reason: Exclude<ValidationReason, 'REVOKED'>, detail?: string): ValidationResult =>
  detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };

function parseAll(inputs: readonly (Uint8Array | string)[], strict: boolean): pkijs.Certificate[] {
  return inputs.flatMap((input, index) => {
    const blocks = derBlocks(input, 'certificate');
    if (blocks.length === 0 && strict) {
      throw new TsunagiError('CONFIG_INVALID', `trust anchor ${index} holds no certificate`, {
        path: `trustAnchors.${index}`,
      });
    }
    return blocks.flatMap((der, block) => {
      const certificate = parseCertificate(der);
      if (!certificate && strict) {
        const which =
          blocks.length > 1 ? `certificate ${block} of trust anchor ${index}` : `trust anchor ${index}`;
        throw new TsunagiError('CONFIG_INVALID', `${which} is not a certificate`, {
          path: `trustAnchors.${index}`,
        });
      }
      return certificate ? [certificate] : [];
    });
  });
}

/**
 * Validates a resident's JPKI certificate for one purpose at one instant. Checks, in order:
 * encoding, signature algorithm, path to a trust anchor (issuer known, signatures, CA validity),
 * the path's constraints (critical extensions, issuers are CAs with keyCertSign,
 * pathLenConstraint), the certificate's own validity period, key usage and extended key usage for the purpose, the
 * full RFC 5280 path processing by pkijs, then revocation. Expected refusals are values; only
 * bad configuration throws.
 */
export async function validateCertificate(
  certDer: Uint8Array | string,
  options: ValidationOptions,
): Promise<ValidationResult> {
  const anchors = parseAll(options.trustAnchors, true);
  const intermediates = parseAll(options.intermediates ?? [], false);
  const blocks = derBlocks(certDer, 'certificate');
  if (blocks.length > 1)
    return refuse('MALFORMED', `${blocks.length} certificates given where one is expected`);
  const certificate = blocks[0] ? parseCertificate(blocks[0]) : undefined;
  if (!certificate) return refuse('MALFORMED', 'not a DER or PEM X.509 certificate');

  const algorithm = checkSignatureAlgorithm(certificate);
  if (algorithm) return refuse(algorithm.reason, algorithm.detail);
  const chain = await buildPath(certificate, anchors, intermediates, options.at);
  if (!chain.ok) return refuse(chain.reason, chain.detail);
  const constraints = checkPathConstraints(chain.path);
  if (constraints) return refuse(constraints.reason, constraints.detail);
  const validity = checkValidity(certificate, options.at, 'certificate');
  if (validity) return refuse(validity.reason, validity.detail);
  const purpose = checkPurpose(certificate, options.purpose);
  if (purpose) return refuse(purpose.reason, purpose.detail);

  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: anchors,
    certs: [...chain.path.slice(1, -1), certificate],
    checkDate: options.at,
  });
  const verdict = await engine.verify({ passedWhenNotRevValues: true }, pkiCrypto());
  if (!verdict.result) return refuse('CHAIN_UNTRUSTED', verdict.resultMessage || 'path validation failed');

  const issuerCertificate = chain.path[1] as pkijs.Certificate;
  const issuer = formatName(certificate.issuer);
  const serialNumber = serialHex(certificate.serialNumber);
  let answer: Awaited<ReturnType<RevocationChecker['check']>>;
  try {
    answer = await options.revocation.check({ certificate, issuerCertificate, issuer, serialNumber });
  } catch (error) {
    return refuse('REVOCATION_UNKNOWN', error instanceof Error ? error.message : 'revocation check failed');
  }
  switch (answer.status) {
    case 'revoked':
      return {
        ok: false,
        reason: 'REVOKED',
        revokedAt: answer.revokedAt,
        revocationReason: answer.reason,
        detail: `revoked per ${answer.source}`,
      };
    case 'unknown':
      return refuse(
        'REVOCATION_UNKNOWN',
        answer.fallbackReason ?? `${answer.source} does not know the certificate`,
      );
    case 'good':
      return {
        ok: true,
        certificate,
        serialNumber,
        issuer,
        subject: formatName(certificate.subject),
        notAfter: certificate.notAfter.value,
        revocationSource: answer.source,
        ...(answer.fallbackReason ? { fallbackReason: answer.fallbackReason } : {}),
      };
  }
}

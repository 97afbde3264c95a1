import { TsunagiError } from '../../core/errors.js';
import type { Result } from '../../core/result.js';
import type {
  BindingRefusal,
  CertificateBindings,
  CertificateRef,
} from '../../identity/certificate-binding.js';
import type { LinkageId } from '../../identity/linkage-id.js';
import { formatName, parseCertificate, serialHex, toDer } from '../../jpki/pki.js';

/**
 * The one way a user-identification certificate is named to the identity hub: issuer + serial, as
 * CRLs and OCSP name it (identity keeps the two name forms apart, so enrolment and sign-in must agree).
 */
export function certificateRefOf(certificate: Uint8Array | string): CertificateRef {
  const der = toDer(certificate);
  const parsed = der ? parseCertificate(der) : undefined;
  if (!parsed)
    throw new TsunagiError('INPUT_INVALID', 'not a DER or PEM X.509 certificate', { path: 'certificate' });
  return { issuer: formatName(parsed.issuer), serialNumber: serialHex(parsed.serialNumber) };
}

/**
 * Binds a resident's user-identification certificate to their linkage id, as card issuance does
 * (the municipality issues the card to a resident it has identified). Sign-in only resolves
 * certificates bound here. Idempotent; a certificate bound to another resident is refused.
 */
export function bindCertificateForResident(
  certificates: Pick<CertificateBindings, 'bindCertificate'>,
  certificate: Uint8Array | string,
  linkageId: LinkageId,
): Promise<Result<{ linkageId: LinkageId }, BindingRefusal>> {
  return certificates.bindCertificate(certificateRefOf(certificate), linkageId);
}

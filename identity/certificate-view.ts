import type { CertificateBound } from './event-log.js';
import type { CertificateRecord } from './identity-store.js';

/** Row key of a binding: the vault key version and the keyed hash of the certificate name. */
export const certificateKey = (keyVersion: number, keyedHash: Uint8Array): string =>
  `v${keyVersion}/${Buffer.from(keyedHash).toString('hex')}`;

/** The sealed linkage id is bound to its row: moved to another certificate's row, it fails to open. */
export const certificateSealContext = (key: string): string => `certificate/${key}`;

/**
 * Evolve of the bindings view from CertificateBound events. A certificate is bound once and never
 * unbound, so the first event per row wins: replaying the log, or an event twice, changes nothing,
 * and a replay over a surviving store only adds what it lacks. Undefined when the row does not change.
 */
export function evolveCertificateRow(
  current: CertificateRecord | undefined,
  event: CertificateBound,
): CertificateRecord | undefined {
  if (current) return undefined;
  return {
    keyVersion: event.keyVersion,
    sealedLinkageId: event.sealedLinkageId,
    nonce: event.nonce,
    boundAt: event.boundAt,
  };
}

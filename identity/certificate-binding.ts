import type { Clock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import { type Result, refuse } from '../core/result.js';
import type { Logger } from '../platform/logger.js';
import { type IdentityStore, storeWrite } from './identity-store.js';
import { type KeyRing, versionsNewestFirst } from './keys.js';
import { isLinkageId, type LinkageId } from './linkage-id.js';
import { keyedHash, seal, unseal } from './sealing.js';

/**
 * A JPKI user-identification certificate, named by issuer and serial (as CRLs and OCSP name it) or by
 * its SHA-256 fingerprint. Use one form consistently: the two forms of one certificate are two names.
 */
export type CertificateRef = { issuer: string; serialNumber: string } | { sha256Fingerprint: string };

const hex = (text: string): string => text.replace(/[:\s]/g, '').toLowerCase();

/** One canonical text per certificate name, so `01:AB` and `1ab` bind alike. */
export function canonicalCertificateRef(ref: CertificateRef): string {
  if ('sha256Fingerprint' in ref) {
    const fingerprint = hex(ref.sha256Fingerprint);
    if (!/^[0-9a-f]{64}$/.test(fingerprint)) throw invalid('sha256Fingerprint');
    return `sha256:${fingerprint}`;
  }
  const serial = hex(ref.serialNumber).replace(/^0+(?=.)/, '');
  if (!/^[0-9a-f]{1,40}$/.test(serial)) throw invalid('serialNumber');
  if (ref.issuer.trim() === '') throw invalid('issuer');
  return `issuer-serial:${ref.issuer.trim()}\n${serial}`;
}

const invalid = (path: string) =>
  new TsunagiError('INPUT_INVALID', `certificate ${path} is malformed`, { path });

export type BindingRefusal = 'CERTIFICATE_BOUND_ELSEWHERE';

/**
 * Certificate → linkage id. On card renewal the resident gets a new certificate: binding it to the same
 * linkage id keeps every PPID and agency code, since those are functions of the linkage id, not of the
 * certificate. Only keyed hashes of certificate names and sealed linkage ids are stored.
 */
export interface CertificateBindings {
  /** Idempotent; refuses a certificate already bound to another resident. */
  bindCertificate(
    ref: CertificateRef,
    linkageId: LinkageId,
  ): Promise<Result<{ linkageId: LinkageId }, BindingRefusal>>;
  resolveCertificate(ref: CertificateRef): Promise<LinkageId | undefined>;
}

export function createCertificateBindings(deps: {
  store: IdentityStore;
  vaultKeys: KeyRing;
  clock: Clock;
  logger: Logger;
}): CertificateBindings {
  const { store, vaultKeys, clock, logger } = deps;
  const rowKey = (version: number, name: string) =>
    `v${version}/${keyedHash(vaultKeys, version, 'certificate-lookup', name).toString('hex')}`;

  const resolve = (name: string): LinkageId | undefined => {
    for (const version of versionsNewestFirst(vaultKeys)) {
      const key = rowKey(version, name);
      const row = store.certificates.get(key);
      if (!row) continue;
      const linkageId = unseal(
        vaultKeys,
        {
          ciphertext: Buffer.from(row.sealedLinkageId),
          nonce: Buffer.from(row.nonce),
          keyVersion: row.keyVersion,
        },
        `certificate/${key}`,
      );
      if (!isLinkageId(linkageId))
        throw new TsunagiError('INTERNAL', 'a certificate row holds no linkage id');
      return linkageId;
    }
    return undefined;
  };

  return {
    async bindCertificate(ref, linkageId) {
      if (!isLinkageId(linkageId))
        throw new TsunagiError('INPUT_INVALID', 'not a linkage id', { path: 'linkageId' });
      const name = canonicalCertificateRef(ref);
      const bound = resolve(name);
      if (bound === linkageId) return { ok: true, linkageId };
      if (bound !== undefined) return refuse('CERTIFICATE_BOUND_ELSEWHERE');
      const key = rowKey(vaultKeys.current, name);
      const sealed = seal(vaultKeys, linkageId, `certificate/${key}`);
      const row = { keyVersion: sealed.keyVersion, sealedLinkageId: sealed.ciphertext, nonce: sealed.nonce };
      await storeWrite('bind certificate', () =>
        store.certificates.put(key, { ...row, boundAt: clock.now().getTime() }),
      );
      logger.info({ keyVersion: sealed.keyVersion }, 'certificate bound');
      return { ok: true, linkageId };
    },
    resolveCertificate: async (ref) => resolve(canonicalCertificateRef(ref)),
  };
}

import type { Clock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import { type Result, refuse } from '../core/result.js';
import type { Logger } from '../platform/logger.js';
import { certificateKey, certificateSealContext, evolveCertificateRow } from './certificate-view.js';
import { appendToLog, type CertificateBindingLog, type CertificateBound } from './event-log.js';
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
 * certificate. Only keyed hashes of certificate names and sealed linkage ids are stored, in the store
 * and in the CertificateBound events of the binding log.
 */
export interface CertificateBindings {
  /**
   * Idempotent; refuses a certificate already bound to another resident. Durability: a new binding
   * is returned (and resolvable) only after its CertificateBound event was acknowledged by the log
   * (Kafka acks=all). Throws BROKER_UNAVAILABLE or STORE_UNAVAILABLE (retriable).
   */
  bindCertificate(
    ref: CertificateRef,
    linkageId: LinkageId,
  ): Promise<Result<{ linkageId: LinkageId }, BindingRefusal>>;
  resolveCertificate(ref: CertificateRef): Promise<LinkageId | undefined>;
  /**
   * Replays the binding log into the store (after a lost store or a restore). Bindings are never
   * removed, so the replay adds what the store lacks and keeps what it has (first binding wins).
   */
  rebuildFromLog(): Promise<{ entries: number; bindings: number }>;
}

export function createCertificateBindings(deps: {
  store: IdentityStore;
  /** The bindings' durable record (Kafka topic `certificate-bindings` in production). */
  certificateLog: CertificateBindingLog;
  vaultKeys: KeyRing;
  clock: Clock;
  logger: Logger;
}): CertificateBindings {
  const { store, certificateLog: log, vaultKeys, clock, logger } = deps;
  // One binding per certificate at a time in this process, or two callers could append two events.
  const inFlight = new Map<string, Promise<Result<{ linkageId: LinkageId }, BindingRefusal>>>();
  const hashOf = (version: number, name: string) => keyedHash(vaultKeys, version, 'certificate-lookup', name);

  const resolve = (name: string): LinkageId | undefined => {
    for (const version of versionsNewestFirst(vaultKeys)) {
      const key = certificateKey(version, hashOf(version, name));
      const row = store.certificates.get(key);
      if (!row) continue;
      const linkageId = unseal(
        vaultKeys,
        {
          ciphertext: Buffer.from(row.sealedLinkageId),
          nonce: Buffer.from(row.nonce),
          keyVersion: row.keyVersion,
        },
        certificateSealContext(key),
      );
      if (!isLinkageId(linkageId))
        throw new TsunagiError('INTERNAL', 'a certificate row holds no linkage id');
      return linkageId;
    }
    return undefined;
  };

  const apply = async (event: CertificateBound): Promise<void> => {
    const key = certificateKey(event.keyVersion, event.keyedHash);
    const next = evolveCertificateRow(store.certificates.get(key), event);
    if (next) await storeWrite('bind certificate', () => store.certificates.put(key, next));
  };

  const bind = async (name: string, linkageId: LinkageId) => {
    const bound = resolve(name);
    if (bound === linkageId) return { ok: true as const, linkageId };
    if (bound !== undefined) return refuse('CERTIFICATE_BOUND_ELSEWHERE' as const);
    const keyedHashOfName = hashOf(vaultKeys.current, name);
    const sealed = seal(
      vaultKeys,
      linkageId,
      certificateSealContext(certificateKey(vaultKeys.current, keyedHashOfName)),
    );
    const event: CertificateBound = {
      keyedHash: keyedHashOfName,
      keyVersion: sealed.keyVersion,
      sealedLinkageId: sealed.ciphertext,
      nonce: sealed.nonce,
      boundAt: clock.now().getTime(),
    };
    await appendToLog(log, event, 'the certificate binding');
    await apply(event);
    // First binding wins, in the log as in the store: another process may have bound it meanwhile.
    if (resolve(name) !== linkageId) return refuse('CERTIFICATE_BOUND_ELSEWHERE' as const);
    logger.info({ keyVersion: sealed.keyVersion }, 'certificate bound');
    return { ok: true as const, linkageId };
  };

  const bindCertificate = async (
    ref: CertificateRef,
    linkageId: LinkageId,
  ): Promise<Result<{ linkageId: LinkageId }, BindingRefusal>> => {
    if (!isLinkageId(linkageId))
      throw new TsunagiError('INPUT_INVALID', 'not a linkage id', { path: 'linkageId' });
    const name = canonicalCertificateRef(ref);
    const running = inFlight.get(name);
    // Wait for the binding under way, then answer from the store (the row is there or it failed).
    if (running) return running.catch(() => undefined).then(() => bindCertificate(ref, linkageId));
    const attempt = bind(name, linkageId).finally(() => inFlight.delete(name));
    inFlight.set(name, attempt);
    return attempt;
  };

  return {
    bindCertificate,
    resolveCertificate: async (ref) => resolve(canonicalCertificateRef(ref)),
    async rebuildFromLog() {
      let entries = 0;
      await log.replay(async (event) => {
        entries++;
        await apply(event);
      });
      const bindings = store.certificates.getKeysCount();
      logger.info({ entries, bindings }, 'certificate bindings rebuilt from the binding log');
      return { entries, bindings };
    },
  };
}

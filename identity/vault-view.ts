import type { IdentityEnrolled } from './event-log.js';
import type { VaultRecord } from './identity-store.js';

export const vaultKey = (keyedHash: Uint8Array): string => Buffer.from(keyedHash).toString('hex');

/** The sealed linkage id is bound to its row: moving it to another keyed hash fails authentication. */
export const vaultSealContext = (keyedHash: Uint8Array): string => `vault/${vaultKey(keyedHash)}`;

/**
 * Evolve of the vault view from IdentityEnrolled events. First committed entry wins, so replaying the
 * log, or an entry twice, gives the same vault; returns undefined when the row does not change.
 */
export function evolveVaultRow(
  current: VaultRecord | undefined,
  event: IdentityEnrolled,
): VaultRecord | undefined {
  if (current?.state === 'committed') return undefined;
  return {
    keyVersion: event.keyVersion,
    sealedLinkageId: event.sealedLinkageId,
    nonce: event.nonce,
    enrolledAt: event.enrolledAt,
    state: 'committed',
  };
}

export const enrolmentOf = (keyedHash: Uint8Array, row: VaultRecord): IdentityEnrolled => ({
  keyedHash: Buffer.from(keyedHash),
  keyVersion: row.keyVersion,
  sealedLinkageId: Buffer.from(row.sealedLinkageId),
  nonce: Buffer.from(row.nonce),
  enrolledAt: row.enrolledAt,
});

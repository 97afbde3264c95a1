import { mkdirSync } from 'node:fs';
import { type Database, open, type RootDatabase } from 'lmdb';
import { TsunagiError } from '../core/errors.js';

/** Vault row, keyed by the hex keyed hash of the My Number. */
export interface VaultRecord {
  keyVersion: number;
  sealedLinkageId: Uint8Array;
  nonce: Uint8Array;
  enrolledAt: number;
  /**
   * `pending` is written before the enrolment is appended to the log and becomes `committed` after the
   * log acknowledged it (an outbox): a retry after a failed append re-sends the same linkage id.
   */
  state: 'pending' | 'committed';
}

/** Reverse index row, keyed by `codeKind/agencyId/agencyCode`. */
export interface CodeRecord {
  keyVersion: number;
  sealedLinkageId: Uint8Array;
  nonce: Uint8Array;
  sealKeyVersion: number;
  issuedAt: number;
}

/** Certificate binding row, keyed by the hex keyed hash of the certificate reference. */
export interface CertificateRecord {
  keyVersion: number;
  sealedLinkageId: Uint8Array;
  nonce: Uint8Array;
  boundAt: number;
}

/**
 * The hub's embedded identity store: one lmdb environment with three named databases. Nothing in it
 * is a My Number or a clear linkage id. lmdb allows one writer process; the identity hub is that writer.
 */
export interface IdentityStore {
  vault: Database<VaultRecord, string>;
  codes: Database<CodeRecord, string>;
  certificates: Database<CertificateRecord, string>;
  /** A consistent, compacted copy of the whole store into an empty directory, taken while the hub runs. */
  backup(path: string): Promise<void>;
  close(): Promise<void>;
}

export function openIdentityStore(path: string): IdentityStore {
  let root: RootDatabase;
  try {
    root = open({ path, maxDbs: 8 });
  } catch (cause) {
    throw new TsunagiError('STORE_UNAVAILABLE', 'the identity store could not be opened', { cause, path });
  }
  return {
    vault: root.openDB<VaultRecord, string>({ name: 'vault' }),
    codes: root.openDB<CodeRecord, string>({ name: 'codes' }),
    certificates: root.openDB<CertificateRecord, string>({ name: 'certificates' }),
    backup: (target) =>
      storeWrite('backup', async () => {
        mkdirSync(target, { recursive: true });
        await root.backup(target, true);
      }),
    close: () => root.close(),
  };
}

/** Store writes fail as STORE_UNAVAILABLE (retriable) whatever lmdb threw. */
export async function storeWrite<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (cause) {
    if (cause instanceof TsunagiError) throw cause;
    throw new TsunagiError('STORE_UNAVAILABLE', `identity store write failed: ${what}`, { cause });
  }
}

import type { Clock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import type { Logger } from '../platform/logger.js';
import { appendToLog, type EnrolmentLog } from './event-log.js';
import { type IdentityStore, storeWrite, type VaultRecord } from './identity-store.js';
import { type KeyRing, versionsNewestFirst } from './keys.js';
import { isLinkageId, type LinkageId, newLinkageId } from './linkage-id.js';
import { validateMyNumber } from './my-number.js';
import { keyedHash, seal, unseal } from './sealing.js';
import { enrolmentOf, evolveVaultRow, vaultKey, vaultSealContext } from './vault-view.js';

export interface VaultDeps {
  store: IdentityStore;
  log: EnrolmentLog;
  /** The vault key ring (TSUNAGI_VAULT_KEYS). */
  keys: KeyRing;
  clock: Clock;
  logger: Logger;
  newLinkageId?: () => LinkageId;
}

export interface Vault {
  /**
   * The linkage id of a resident, made on first enrolment. Idempotent: the same My Number always gives
   * the same linkage id. Durability: a new linkage id is returned only after its IdentityEnrolled event
   * was acknowledged by the log (Kafka acks=all) and the vault row committed. Throws MY_NUMBER_INVALID,
   * BROKER_UNAVAILABLE or STORE_UNAVAILABLE (both retriable: a retry returns the same linkage id).
   */
  enrol(myNumber: string): Promise<LinkageId>;
  /** The linkage id of an enrolled resident, or undefined. Throws MY_NUMBER_INVALID. */
  lookup(myNumber: string): Promise<LinkageId | undefined>;
  /** Replaces the vault by a replay of the enrolment log (after a lost store or a restore). */
  rebuildFromLog(): Promise<{ entries: number; residents: number }>;
}

interface Found {
  hash: Buffer;
  row: VaultRecord;
}

export function createVault(deps: VaultDeps): Vault {
  const { store, log, keys, clock, logger } = deps;
  const makeLinkageId = deps.newLinkageId ?? newLinkageId;
  // One enrolment per person at a time in this process, or two callers could mint two linkage ids.
  const inFlight = new Map<string, Promise<LinkageId>>();

  /** Rows made under an older vault key stay findable: the keyed hash is tried under every version. */
  const find = (myNumber: string): Found | undefined => {
    for (const version of versionsNewestFirst(keys)) {
      const hash = keyedHash(keys, version, 'vault-lookup', myNumber);
      const row = store.vault.get(vaultKey(hash));
      if (row) return { hash, row };
    }
    return undefined;
  };

  const open = (found: Found): LinkageId => {
    const linkageId = unseal(
      keys,
      {
        ciphertext: Buffer.from(found.row.sealedLinkageId),
        nonce: Buffer.from(found.row.nonce),
        keyVersion: found.row.keyVersion,
      },
      vaultSealContext(found.hash),
    );
    if (!isLinkageId(linkageId)) throw new TsunagiError('INTERNAL', 'a vault row holds no linkage id');
    return linkageId;
  };

  const enrolOnce = async (myNumber: string): Promise<LinkageId> => {
    const existing = find(myNumber);
    if (existing?.row.state === 'committed') return open(existing);
    const pending = existing ?? (await writePending(myNumber));
    const entry = enrolmentOf(pending.hash, pending.row);
    await appendToLog(log, entry, 'the enrolment');
    const key = vaultKey(pending.hash);
    await storeWrite('commit enrolment', () => store.vault.put(key, { ...pending.row, state: 'committed' }));
    logger.info({ keyVersion: pending.row.keyVersion }, 'resident enrolled');
    return open(pending);
  };

  const writePending = async (myNumber: string): Promise<Found> => {
    const hash = keyedHash(keys, keys.current, 'vault-lookup', myNumber);
    const sealed = seal(keys, makeLinkageId(), vaultSealContext(hash));
    const row: VaultRecord = {
      keyVersion: sealed.keyVersion,
      sealedLinkageId: sealed.ciphertext,
      nonce: sealed.nonce,
      enrolledAt: clock.now().getTime(),
      state: 'pending',
    };
    await storeWrite('pending enrolment', () => store.vault.put(vaultKey(hash), row));
    return { hash, row };
  };

  return {
    async enrol(input) {
      const myNumber = validateMyNumber(input);
      const slot = keyedHash(keys, keys.current, 'vault-lookup', myNumber).toString('hex');
      const running = inFlight.get(slot);
      if (running) return running;
      const attempt = enrolOnce(myNumber).finally(() => inFlight.delete(slot));
      inFlight.set(slot, attempt);
      return attempt;
    },

    async lookup(input) {
      const found = find(validateMyNumber(input));
      return found?.row.state === 'committed' ? open(found) : undefined;
    },

    async rebuildFromLog() {
      await storeWrite('clear vault', () => store.vault.clearAsync());
      let entries = 0;
      await log.replay(async (event) => {
        entries++;
        const key = vaultKey(event.keyedHash);
        const next = evolveVaultRow(store.vault.get(key), event);
        if (next) await storeWrite('rebuild vault', () => store.vault.put(key, next));
      });
      const residents = store.vault.getKeysCount();
      logger.info({ entries, residents }, 'vault rebuilt from the enrolment log');
      return { entries, residents };
    },
  };
}

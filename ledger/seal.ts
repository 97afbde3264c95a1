import { TsunagiError } from '../core/errors.js';
import { NoticeContact, PublicMoneyAccount } from '../core/ledger/entries.js';
import type { KeyRing } from '../identity/keys.js';
import { type Sealed, sealBytes, unsealBytes } from '../identity/sealing.js';
import type { ResidentLedgerChanged } from '../schemas/events.js';

export type LedgerEntry = ResidentLedgerChanged['data']['entry'];

/** What each ledger entry holds once opened. */
export interface LedgerValues {
  PUBLIC_MONEY_ACCOUNT: PublicMoneyAccount;
  NOTICE_CONTACT: NoticeContact;
}

const SCHEMAS = { PUBLIC_MONEY_ACCOUNT: PublicMoneyAccount, NOTICE_CONTACT: NoticeContact } as const;

/**
 * The associated data of a sealed entry: the resident, the entry and the event. A ciphertext moved to
 * another resident, another entry or another event fails to open.
 */
export const ledgerSealContext = (linkageId: string, entry: LedgerEntry, eventId: string): string =>
  `ledger/${linkageId}/${entry}/${eventId}`;

/** Seals an entry under the vault key ring's current `ledger-seal` subkey (AES-256-GCM). */
export function sealEntry<E extends LedgerEntry>(
  keys: KeyRing,
  at: { linkageId: string; entry: E; eventId: string },
  value: LedgerValues[E],
): Sealed {
  const plaintext = Buffer.from(JSON.stringify(value), 'utf8');
  return sealBytes(keys, plaintext, ledgerSealContext(at.linkageId, at.entry, at.eventId), 'ledger-seal');
}

/**
 * Opens a sealed entry and validates it again: a key that no longer opens it, or content that is no
 * longer a valid entry, is INTERNAL (never the resident's fault, never quoted).
 */
export function openEntry<E extends LedgerEntry>(
  keys: KeyRing,
  at: { linkageId: string; entry: E; eventId: string },
  sealed: Sealed,
): LedgerValues[E] {
  const context = ledgerSealContext(at.linkageId, at.entry, at.eventId);
  const bytes = unsealBytes(keys, sealed, context, 'ledger-seal', 'a sealed ledger entry');
  const parsed = SCHEMAS[at.entry].safeParse(JSON.parse(bytes.toString('utf8')));
  if (!parsed.success) throw new TsunagiError('INTERNAL', `a sealed ${at.entry} is no longer valid`);
  return parsed.data as LedgerValues[E];
}

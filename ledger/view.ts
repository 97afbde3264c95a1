import type { KeyRing } from '../identity/keys.js';
import type { Sealed } from '../identity/sealing.js';
import type { ResidentLedgerChanged } from '../schemas/events.js';
import { type LedgerEntry, type LedgerValues, openEntry } from './seal.js';

/** One entry of one resident as the topic last stated it: sealed, or null once removed. */
export interface LedgerRow {
  offset: bigint;
  eventId: string;
  changedAt: Date;
  sealed: Sealed | null;
}

/**
 * The pure evolve of one ledger row, in topic order: an event at or before the row's offset
 * changes nothing (applied twice, or read back after the local apply); a later one replaces the row,
 * a removal keeping only its position. The row stays sealed: nothing here holds an account or a
 * contact in clear.
 */
export function evolveLedgerRow(
  row: LedgerRow | undefined,
  event: ResidentLedgerChanged,
  offset: bigint,
): LedgerRow {
  if (row && row.offset >= offset) return row;
  const { sealed } = event.data;
  return {
    offset,
    eventId: event.envelope.eventId,
    changedAt: event.envelope.recordedAt,
    sealed:
      event.data.action === 'REMOVED' || sealed === null
        ? null
        : {
            ciphertext: Buffer.from(sealed.ciphertext),
            nonce: Buffer.from(sealed.nonce),
            keyVersion: sealed.keyVersion,
          },
  };
}

/**
 * The resident-ledger topic in memory, sealed. `read` opens one entry on demand with the vault keys;
 * it is the only way to the clear value, and the caller decides whether it may (the resident
 * themselves, a disclosure under a benefit-payment row, a notice to the resident's contact).
 */
export interface LedgerView {
  apply(event: ResidentLedgerChanged, offset: bigint): void;
  read<E extends LedgerEntry>(
    linkageId: string,
    entry: E,
  ): { value: LedgerValues[E]; registeredAt: Date } | undefined;
}

export function createLedgerView(keys: KeyRing): LedgerView {
  const rows = new Map<string, LedgerRow>();
  const key = (linkageId: string, entry: LedgerEntry) => `${linkageId}:${entry}`;
  return {
    apply(event, offset) {
      const at = key(event.data.linkageId, event.data.entry);
      rows.set(at, evolveLedgerRow(rows.get(at), event, offset));
    },
    read(linkageId, entry) {
      const row = rows.get(key(linkageId, entry));
      if (!row?.sealed) return undefined;
      const value = openEntry(keys, { linkageId, entry, eventId: row.eventId }, row.sealed);
      return { value, registeredAt: row.changedAt };
    },
  };
}

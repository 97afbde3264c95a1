import type { Clock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import type { KeyRing } from '../identity/keys.js';
import { EventSchemas, type ResidentLedgerChanged } from '../schemas/events.js';
import { type LedgerEntry, type LedgerValues, sealEntry } from './seal.js';
import type { LedgerView } from './view.js';

/** Appends one ledger change (acks=all) and tells its offset, so the view keeps topic order. */
export interface LedgerLog {
  append(event: ResidentLedgerChanged): Promise<bigint>;
}

export interface LedgerCommands {
  /** Registers or replaces the entry; resolves once the sealed change is acknowledged and applied. */
  register<E extends LedgerEntry>(
    linkageId: string,
    entry: E,
    value: LedgerValues[E],
    correlationId: string,
  ): Promise<void>;
  /** Removes the entry (idempotent: removing what is not there appends nothing); tells whether there was one. */
  remove(linkageId: string, entry: LedgerEntry, correlationId: string): Promise<boolean>;
}

/**
 * The resident's own changes to their ledger. Guarantees: the value is validated before (the route)
 * and sealed here, under the vault key's `ledger-seal` subkey with the resident, entry and event id
 * as associated data, so the topic never holds it in clear; a change is visible to reads only after
 * the log acknowledged it (acks=all); the view applies it at its offset, so a later change always wins.
 */
export function createLedgerCommands(deps: {
  log: LedgerLog;
  view: LedgerView;
  keys: KeyRing;
  clock: Clock;
  ids: () => string;
  producer?: string;
}): LedgerCommands {
  const producer = deps.producer ?? 'gateway';
  const append = async (data: ResidentLedgerChanged['data'], eventId: string, correlationId: string) => {
    const at = deps.clock.now();
    const parsed = EventSchemas.ResidentLedgerChanged.safeParse({
      type: 'ResidentLedgerChanged',
      envelope: { eventId, occurredAt: at, recordedAt: at, producer, correlationId },
      data,
    });
    if (!parsed.success) throw new TsunagiError('INTERNAL', 'a ledger change is invalid');
    const event = parsed.data as ResidentLedgerChanged;
    deps.view.apply(event, await deps.log.append(event));
  };
  return {
    async register(linkageId, entry, value, correlationId) {
      const eventId = `lg-${deps.ids()}`;
      const sealed = sealEntry(deps.keys, { linkageId, entry, eventId }, value);
      await append({ linkageId, entry, action: 'REGISTERED', sealed }, eventId, correlationId);
    },
    async remove(linkageId, entry, correlationId) {
      if (!deps.view.read(linkageId, entry)) return false;
      await append({ linkageId, entry, action: 'REMOVED', sealed: null }, `lg-${deps.ids()}`, correlationId);
      return true;
    },
  };
}

import type { TsunagiEvent } from '../schemas/events.js';
import { type Fact, type FactTable, factOf, type GrantLookup, revocationRef } from './facts.js';

/** One table's rows of a batch, first occurrence of each event id only. */
export interface TableRows {
  table: FactTable;
  rows: Array<Fact['row']>;
}

/** Consent references of the batch's revocations: their grants must be looked up before mapping. */
export function revokedRefs(events: readonly TsunagiEvent[]): string[] {
  return [...new Set(events.flatMap((e) => (e.type === 'ConsentRevoked' ? [revocationRef(e)] : [])))];
}

/**
 * Maps a batch's events to fact rows grouped by table, dropping repeats of an event id within the
 * batch. A revocation whose grant is in the same batch takes its recipient and purpose from it.
 */
export function planFacts(events: readonly TsunagiEvent[], known: GrantLookup): TableRows[] {
  const inBatch = new Map<string, { recipient: string; purpose: string }>();
  const grants: GrantLookup = (ref) => known(ref) ?? inBatch.get(ref);
  const byTable = new Map<FactTable, Map<string, Fact['row']>>();
  for (const event of events) {
    const fact = factOf(event, grants);
    if (!fact) continue;
    if (fact.table === 'consent_facts' && fact.row.state === 'GRANTED')
      inBatch.set(fact.row.consent_ref, { recipient: fact.row.recipient, purpose: fact.row.purpose });
    const rows = byTable.get(fact.table) ?? new Map<string, Fact['row']>();
    if (!rows.has(fact.row.event_id)) rows.set(fact.row.event_id, fact.row);
    byTable.set(fact.table, rows);
  }
  return [...byTable].map(([table, rows]) => ({ table, rows: [...rows.values()] }));
}

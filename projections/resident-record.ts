import { assertNever } from '../core/errors.js';
import { key, type ViewDefinition } from '../platform/view.js';
import type { Address, ChangeType, ResidentRecordChanged, TsunagiEvent } from '../schemas/events.js';
import { Topics } from '../schemas/topics.js';

export type ResidentStatus = 'RESIDENT' | 'MOVED_OUT' | 'DECEASED';

/** The resident's current record as the registry last stated it (basic four information and where). */
export interface ResidentRecord {
  name: string;
  nameKana: string;
  address: Address;
  dateOfBirth: string;
  gender: ResidentRecordChanged['data']['gender'];
  householdId: string;
  status: ResidentStatus;
  /** Where the resident is registered; null after a move-out until the move-in is recorded. */
  currentMunicipality: string | null;
  /** The municipality of previous residence (前住所地): the last other municipality they lived in. */
  previousMunicipality: string | null;
  lastChange: ChangeType;
  sequence: number;
  occurredAt: Date;
}

const STATUS_AFTER: Record<ChangeType, ResidentStatus | 'unchanged'> = {
  REGISTRATION: 'RESIDENT',
  BIRTH: 'RESIDENT',
  MOVE_IN: 'RESIDENT',
  MOVE_OUT: 'MOVED_OUT',
  DEATH: 'DECEASED',
  ADDRESS_CHANGE: 'unchanged',
  NAME_CHANGE: 'unchanged',
  CORRECTION: 'unchanged',
};

/**
 * Evolve of one resident's record. A move-out (filed at the municipality being left) clears the
 * current municipality and makes the one left the previous one; any other change places the
 * resident in the address's municipality, and a change of municipality moves the old one to
 * `previousMunicipality`. Death keeps the municipalities as they were.
 */
export function evolveResidentRecord(
  state: ResidentRecord | undefined,
  event: ResidentRecordChanged,
): ResidentRecord {
  const { data } = event;
  const change = data.changeType;
  const after = STATUS_AFTER[change];
  let current = state?.currentMunicipality ?? null;
  let previous = state?.previousMunicipality ?? null;
  switch (change) {
    case 'MOVE_OUT':
      previous = current ?? data.sourceMunicipalityCode;
      current = null;
      break;
    case 'DEATH':
      current ??= data.address.municipalityCode;
      break;
    case 'REGISTRATION':
    case 'BIRTH':
    case 'MOVE_IN':
    case 'ADDRESS_CHANGE':
    case 'NAME_CHANGE':
    case 'CORRECTION':
      if (current !== null && current !== data.address.municipalityCode) previous = current;
      current = data.address.municipalityCode;
      break;
    default:
      return assertNever(change, 'change type');
  }
  return {
    name: data.name,
    nameKana: data.nameKana,
    address: data.address,
    dateOfBirth: data.dateOfBirth,
    gender: data.gender,
    householdId: data.householdId,
    status: after === 'unchanged' ? (state?.status ?? 'RESIDENT') : after,
    currentMunicipality: current,
    previousMunicipality: previous,
    lastChange: change,
    sequence: data.sequence,
    occurredAt: event.envelope.occurredAt,
  };
}

const changed = (event: TsunagiEvent) => (event.type === 'ResidentRecordChanged' ? event : undefined);

/**
 * THE resident record view: one row per resident (linkage id), checked by the per-resident sequence
 * (a re-sent change is a duplicate, a skipped number a gap: applied and listed).
 */
export const residentRecordsView: ViewDefinition<ResidentRecord> = {
  name: 'resident-records',
  version: 1,
  topics: [Topics.residentRecords],
  once: {
    by: 'sequence',
    streamOf: (event) => {
      const change = changed(event);
      return change && { stream: key('resident', change.data.linkageId), sequence: change.data.sequence };
    },
  },
  keyOf: (event) => changed(event)?.data.linkageId,
  evolve(row, event) {
    const change = changed(event);
    return change ? evolveResidentRecord(row, change) : row;
  },
};

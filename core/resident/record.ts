import { assertNever } from '../errors.js';

/**
 * A resident's record as the resident registry states it, and its pure `evolve`. The event schemas
 * (schemas/) import these lists; nothing here knows Avro, Kafka or a store.
 */

/** What a resident-record change is (the .avsc enum `ChangeType` carries the same list). */
export const CHANGE_TYPES = [
  'REGISTRATION',
  'BIRTH',
  'MOVE_IN',
  'MOVE_OUT',
  'ADDRESS_CHANGE',
  'NAME_CHANGE',
  'DEATH',
  'CORRECTION',
] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export const GENDERS = ['MALE', 'FEMALE', 'UNSPECIFIED'] as const;
export type Gender = (typeof GENDERS)[number];

export interface ResidentAddress {
  /** The 6-digit local government code of the municipality the address is in. */
  municipalityCode: string;
  prefecture: string;
  city: string;
  street: string;
}

/** Basic four information (name with kana, address, date of birth, gender) and the household. */
interface RegistryFacts {
  name: string;
  nameKana: string;
  address: ResidentAddress;
  dateOfBirth: string;
  gender: Gender;
  householdId: string;
}

/** A record change as the registry filed it: the `ResidentRecordChanged` event fits this shape. */
export interface ResidentRecordChange {
  envelope: { occurredAt: Date };
  data: RegistryFacts & {
    changeType: ChangeType;
    sequence: number;
    /** The municipality that filed the change (for a move-out, the one being left). */
    sourceMunicipalityCode: string;
  };
}

export type ResidentStatus = 'RESIDENT' | 'MOVED_OUT' | 'DECEASED';

/** The resident's current record as the registry last stated it (basic four information and where). */
export interface ResidentRecord extends RegistryFacts {
  status: ResidentStatus;
  /** Where the resident is registered; null after a move-out until the move-in is recorded. */
  currentMunicipality: string | null;
  /** The municipality of previous residence (前住所地): the last other municipality they lived in. */
  previousMunicipality: string | null;
  lastChange: ChangeType;
  sequence: number;
  occurredAt: Date;
}

/** Where a resident lives and lived: what the legal-basis rows' municipality patterns resolve against. */
export type ResidentPlaces = Pick<ResidentRecord, 'currentMunicipality' | 'previousMunicipality'>;

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
 * `previousMunicipality`. Death keeps the municipalities as they were. Pure; the caller keeps
 * changes in sequence (a change applied twice is the caller's to skip).
 */
export function evolveResidentRecord(
  state: ResidentRecord | undefined,
  change: ResidentRecordChange,
): ResidentRecord {
  const { data } = change;
  const after = STATUS_AFTER[data.changeType];
  let current = state?.currentMunicipality ?? null;
  let previous = state?.previousMunicipality ?? null;
  switch (data.changeType) {
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
      return assertNever(data.changeType, 'change type');
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
    lastChange: data.changeType,
    sequence: data.sequence,
    occurredAt: change.envelope.occurredAt,
  };
}

import type { ResidentFacts, TriggerEvent } from '../core/eligibility/evaluate.js';
import { legalDateOf } from '../core/policy/vocabulary.js';
import { evolveResidentRecord, type ResidentRecord } from '../projections/resident-record.js';
import type {
  InformationItemPublished,
  InformationItemWithdrawn,
  ResidentRecordChanged,
  TsunagiEvent,
} from '../schemas/events.js';

/**
 * What the notices service keeps of a resident: enough to evaluate the eligibility rules, never a
 * name or an address. The status and municipality follow the projector's resident-record evolve.
 */
export interface ResidentState {
  householdId: string;
  dateOfBirth: string;
  status: ResidentRecord['status'];
  currentMunicipality: string | null;
  previousMunicipality: string | null;
  sequence: number;
}

/** The latest local-tax income seen for a resident: the newest fiscal year wins. */
export interface IncomeState {
  fiscalYear: number;
  provider: string;
  sequence: number;
  /** Yen as a decimal string (lmdb keeps no bigint). */
  taxableIncome: string;
}

/** Pure evolve of a resident's state; a record change at or below the stored sequence changes nothing. */
export function evolveResidentState(
  state: ResidentState | undefined,
  event: ResidentRecordChanged,
): ResidentState | undefined {
  if (state && state.sequence >= event.data.sequence) return undefined;
  // The evolve reads only status and municipalities of the state before; the rest comes from the event.
  const next = evolveResidentRecord(state as ResidentRecord | undefined, event);
  return {
    householdId: next.householdId,
    dateOfBirth: next.dateOfBirth,
    status: next.status,
    currentMunicipality: next.currentMunicipality,
    previousMunicipality: next.previousMunicipality,
    sequence: next.sequence,
  };
}

/** Pure evolve of a resident's latest income; anything but local-tax income changes nothing (undefined). */
export function evolveIncome(
  state: IncomeState | undefined,
  event: InformationItemPublished | InformationItemWithdrawn,
): IncomeState | null | undefined {
  const { data } = event;
  if (data.itemKind !== 'LOCAL_TAX_INCOME') return undefined;
  if (event.type === 'InformationItemWithdrawn')
    return state?.provider === data.provider && state.sequence <= data.sequence ? null : undefined;
  if (event.data.itemKind !== 'LOCAL_TAX_INCOME') return undefined;
  const { fiscalYear, taxableIncome } = event.data.payload;
  const newer =
    !state ||
    fiscalYear > state.fiscalYear ||
    (fiscalYear === state.fiscalYear && (state.provider !== data.provider || data.sequence > state.sequence));
  return newer
    ? {
        fiscalYear,
        provider: data.provider,
        sequence: data.sequence,
        taxableIncome: taxableIncome.toString(),
      }
    : undefined;
}

export function residentFacts(
  linkageId: string,
  state: ResidentState,
  income: IncomeState | undefined,
): ResidentFacts {
  return {
    linkageId,
    dateOfBirth: state.dateOfBirth,
    householdId: state.householdId,
    resident: state.status === 'RESIDENT',
    municipality: state.currentMunicipality,
    taxableIncome: income ? BigInt(income.taxableIncome) : null,
  };
}

/** The rules' view of a source event; undefined for events no rule can watch. */
export function triggerOf(event: TsunagiEvent): TriggerEvent | undefined {
  const effectiveDate = legalDateOf(event.envelope.occurredAt);
  const base = { eventId: event.envelope.eventId, effectiveDate };
  if (event.type === 'ResidentRecordChanged')
    return { ...base, subject: event.data.linkageId, change: event.data.changeType };
  if (event.type === 'InformationItemPublished')
    return { ...base, subject: event.data.linkageId, item: event.data.itemKind };
  return undefined;
}

import type { ChangeType } from '../../schemas/events.js';
import { epochDaysToCalendarDate } from '../../schemas/primitives.js';
import type { ExportSystem } from '../exports/systems.js';
import type { Household, Person } from './household.js';
import type { Municipality } from './municipalities.js';

/** One export row before formatting: column → value (null is an empty cell). */
export type RowValues = Record<string, string | number | null>;
export type RowSink = (system: ExportSystem, values: RowValues) => void;

export const date = (day: number): string => epochDaysToCalendarDate(day);

/** A Juki row; sequences are issued here, in the order rows are emitted. */
export function emitJuki(
  sink: RowSink,
  household: Household,
  person: Person,
  changeType: ChangeType,
  day: number,
  destination?: { municipality: Municipality; street: string },
): void {
  const address = destination ?? household;
  person.jukiSequence++;
  sink('juki', {
    municipality_code: household.municipality.code,
    my_number: person.myNumber,
    sequence: person.jukiSequence,
    change_type: changeType,
    effective_date: date(day),
    household_id: household.id,
    family_name: person.familyName.kanji,
    given_name: person.givenName.kanji,
    family_name_kana: person.familyName.kana,
    given_name_kana: person.givenName.kana,
    date_of_birth: date(person.dateOfBirth),
    gender: person.givenName.gender,
    address_municipality_code: address.municipality.code,
    prefecture: address.municipality.prefecture,
    city: address.municipality.city,
    street: address.street,
  });
}

type ItemSystem = Exclude<ExportSystem, 'juki' | 'pension'>;

/** An item row: `payload` publishes, a string withdraws with that reason. */
export function emitItem(
  sink: RowSink,
  system: ItemSystem,
  person: Person,
  municipalityCode: string,
  day: number,
  payload: RowValues | string,
): void {
  sink(system, {
    municipality_code: municipalityCode,
    ...itemColumns(person, `${system}:${municipalityCode}`, day, payload),
  });
}

/** A row of the pension service's export: no municipality; one sequence per resident. */
export function emitPension(sink: RowSink, person: Person, day: number, payload: RowValues | string): void {
  sink('pension', itemColumns(person, 'pension:jps', day, payload));
}

/** The columns of an item row after its municipality, with the next of the person's sequences under `key`. */
function itemColumns(person: Person, key: string, day: number, payload: RowValues | string): RowValues {
  const sequence = (person.itemSequences.get(key) ?? 0) + 1;
  person.itemSequences.set(key, sequence);
  const withdraw = typeof payload === 'string';
  return {
    my_number: person.myNumber,
    sequence,
    action: withdraw ? 'WITHDRAW' : 'PUBLISH',
    effective_date: date(day),
    withdraw_reason: withdraw ? payload : null,
    ...(withdraw ? {} : payload),
  };
}

import { z } from 'zod';
import { CHANGE_TYPES, GENDERS, type ResidentRecordChanged } from '../../schemas/events.js';
import { deterministicEventId, type EventContext, envelopeFor } from './event-id.js';
import { calendarDate, municipalityCode, myNumber, oneOf, sequence, text } from './fields.js';

/**
 * Resident registry (住民基本台帳, "Juki") export: one row per change of a resident's record.
 * `sequence` is per resident and continues across municipalities (the move-out certificate
 * carries it to the new municipality), so the hub sees one gap-free sequence per resident.
 * For MOVE_OUT the address is the destination (転出先) in another municipality.
 */
export const JUKI_COLUMNS = [
  'municipality_code',
  'my_number',
  'sequence',
  'change_type',
  'effective_date',
  'household_id',
  'family_name',
  'given_name',
  'family_name_kana',
  'given_name_kana',
  'date_of_birth',
  'gender',
  'address_municipality_code',
  'prefecture',
  'city',
  'street',
] as const;

const KATAKANA = /^[\u30A0-\u30FF\u3000 ]+$/;
const kana = text(64).refine((value) => KATAKANA.test(value), 'expected full-width katakana');

export const JukiRow = z
  .object({
    municipality_code: municipalityCode,
    my_number: myNumber,
    sequence,
    change_type: oneOf(CHANGE_TYPES),
    effective_date: calendarDate,
    household_id: text(64),
    family_name: text(64),
    given_name: text(64),
    family_name_kana: kana,
    given_name_kana: kana,
    date_of_birth: calendarDate,
    gender: oneOf(GENDERS),
    address_municipality_code: municipalityCode,
    prefecture: text(16),
    city: text(64),
    street: text(128),
  })
  .superRefine((row, ctx) => {
    if (row.date_of_birth > row.effective_date) {
      ctx.addIssue({ code: 'custom', path: ['date_of_birth'], message: 'after effective_date' });
    }
    if (row.change_type === 'BIRTH' && row.date_of_birth !== row.effective_date) {
      ctx.addIssue({
        code: 'custom',
        path: ['effective_date'],
        message: 'a BIRTH takes effect on date_of_birth',
      });
    }
    const elsewhere = row.address_municipality_code !== row.municipality_code;
    if (row.change_type === 'MOVE_OUT' && !elsewhere) {
      ctx.addIssue({
        code: 'custom',
        path: ['address_municipality_code'],
        message: 'a MOVE_OUT goes elsewhere',
      });
    }
    if (row.change_type !== 'MOVE_OUT' && elsewhere) {
      ctx.addIssue({
        code: 'custom',
        path: ['address_municipality_code'],
        message: 'differs from municipality_code outside a MOVE_OUT',
      });
    }
  });
export type JukiRow = z.output<typeof JukiRow>;

/** Full-width space between family and given name, as the registry prints names. */
export const joinName = (family: string, given: string): string => `${family}\u3000${given}`;

export function jukiEventId(row: JukiRow, linkageId: string): string {
  return deterministicEventId('juki', row.municipality_code, [linkageId, row.sequence]);
}

export function jukiToEvent(row: JukiRow, ctx: EventContext): ResidentRecordChanged {
  const eventId = jukiEventId(row, ctx.linkageId);
  return {
    type: 'ResidentRecordChanged',
    envelope: envelopeFor(eventId, row.effective_date, ctx),
    data: {
      linkageId: ctx.linkageId,
      changeType: row.change_type,
      name: joinName(row.family_name, row.given_name),
      nameKana: joinName(row.family_name_kana, row.given_name_kana),
      address: {
        municipalityCode: row.address_municipality_code,
        prefecture: row.prefecture,
        city: row.city,
        street: row.street,
      },
      dateOfBirth: row.date_of_birth,
      gender: row.gender,
      householdId: row.household_id,
      sequence: row.sequence,
      sourceMunicipalityCode: row.municipality_code,
    },
  };
}

import type { z } from 'zod';
import { assertNever } from '../../core/errors.js';
import type {
  InformationItemPublished,
  InformationItemWithdrawn,
  ResidentRecordChanged,
} from '../../schemas/events.js';
import { CHILD_ALLOWANCE_COLUMNS, ChildAllowanceRow, childAllowanceToEvent } from './child-allowance.js';
import {
  DISABILITY_CERTIFICATE_COLUMNS,
  DisabilityCertificateRow,
  disabilityCertificateToEvent,
} from './disability-certificate.js';
import type { EventContext } from './event-id.js';
import { JUKI_COLUMNS, JukiRow, jukiToEvent } from './juki.js';
import { LOCAL_TAX_COLUMNS, LocalTaxRow, localTaxToEvent } from './local-tax.js';
import { NURSING_CARE_COLUMNS, NursingCareRow, nursingCareToEvent } from './nursing-care.js';
import { PENSION_COLUMNS, PensionRow, pensionToEvent } from './pension.js';
import {
  PUBLIC_ASSISTANCE_COLUMNS,
  PublicAssistanceRow,
  publicAssistanceToEvent,
} from './public-assistance.js';

/** The core systems whose exports the producers read: five municipal ones, the pension service's. */
export const EXPORT_SYSTEMS = [
  'juki',
  'local-tax',
  'child-allowance',
  'nursing-care',
  'public-assistance',
  'disability-certificate',
  'pension',
] as const;
export type ExportSystem = (typeof EXPORT_SYSTEMS)[number];

export const isExportSystem = (value: string): value is ExportSystem =>
  (EXPORT_SYSTEMS as readonly string[]).includes(value);

/** Column order of the CSV header; JSON Lines use the same names as keys. */
export const EXPORT_COLUMNS: Record<ExportSystem, readonly string[]> = {
  juki: JUKI_COLUMNS,
  'local-tax': LOCAL_TAX_COLUMNS,
  'child-allowance': CHILD_ALLOWANCE_COLUMNS,
  'nursing-care': NURSING_CARE_COLUMNS,
  'public-assistance': PUBLIC_ASSISTANCE_COLUMNS,
  'disability-certificate': DISABILITY_CERTIFICATE_COLUMNS,
  pension: PENSION_COLUMNS,
};

export const ROW_SCHEMAS = {
  juki: JukiRow,
  'local-tax': LocalTaxRow,
  'child-allowance': ChildAllowanceRow,
  'nursing-care': NursingCareRow,
  'public-assistance': PublicAssistanceRow,
  'disability-certificate': DisabilityCertificateRow,
  pension: PensionRow,
} as const satisfies Record<ExportSystem, z.ZodType>;

/** A validated row, tagged with the system it came from. */
export type ExportRow = {
  [S in ExportSystem]: z.output<(typeof ROW_SCHEMAS)[S]> & { system: S };
}[ExportSystem];
export type ExportRowOf<S extends ExportSystem> = Extract<ExportRow, { system: S }>;

export type RowEvent = ResidentRecordChanged | InformationItemPublished | InformationItemWithdrawn;

/**
 * The domain event for a validated row. Pure apart from `ctx.clock` (recordedAt); the event id
 * depends only on the system, municipality, linkage id and the row's sequence, so the same row
 * gives the same id on every ingest. The My Number is not carried into the event.
 */
export function toEvent(row: ExportRow, ctx: EventContext): RowEvent {
  switch (row.system) {
    case 'juki':
      return jukiToEvent(row, ctx);
    case 'local-tax':
      return localTaxToEvent(row, ctx);
    case 'child-allowance':
      return childAllowanceToEvent(row, ctx);
    case 'nursing-care':
      return nursingCareToEvent(row, ctx);
    case 'public-assistance':
      return publicAssistanceToEvent(row, ctx);
    case 'disability-certificate':
      return disabilityCertificateToEvent(row, ctx);
    case 'pension':
      return pensionToEvent(row, ctx);
    default:
      return assertNever(row, 'export system');
  }
}

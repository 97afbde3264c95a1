import type { z } from 'zod';
import {
  DISABILITY_CERTIFICATE_KINDS,
  type InformationItemPublished,
  type InformationItemWithdrawn,
} from '../../schemas/events.js';
import type { EventContext } from './event-id.js';
import { calendarDate, oneOf, optionalDate, text } from './fields.js';
import { ITEM_BASE_COLUMNS, itemRowSchema, itemToEvent } from './item-row.js';

/**
 * Disability certificates (障害者手帳: 身体障害者手帳, 療育手帳, 精神障害者保健福祉手帳), issued by the
 * municipality: the kind, the grade as the certificate states it (1–7, A/B, …), when it was issued
 * and until when it is valid (empty: no expiry; the mental-health certificate is renewed every two years).
 */
export const DISABILITY_CERTIFICATE_COLUMNS = [
  ...ITEM_BASE_COLUMNS,
  'certificate_kind',
  'grade',
  'issued_on',
  'valid_until',
] as const;

export const DisabilityCertificateRow = itemRowSchema({
  certificate_kind: oneOf(DISABILITY_CERTIFICATE_KINDS),
  grade: text(16),
  issued_on: calendarDate,
  valid_until: optionalDate,
}).superRefine((row, ctx) => {
  if (row.action === 'PUBLISH' && row.valid_until !== null && row.valid_until < row.issued_on) {
    ctx.addIssue({ code: 'custom', path: ['valid_until'], message: 'before issued_on' });
  }
});
export type DisabilityCertificateRow = z.output<typeof DisabilityCertificateRow>;

export const disabilityCertificateToEvent = (
  row: DisabilityCertificateRow,
  ctx: EventContext,
): InformationItemPublished | InformationItemWithdrawn =>
  itemToEvent('disability-certificate', 'DISABILITY_CERTIFICATE', row, ctx, (r) => ({
    certificateKind: r.certificate_kind,
    grade: r.grade,
    issuedOn: r.issued_on,
    validUntil: r.valid_until,
  }));

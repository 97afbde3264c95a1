import { z } from 'zod';
import { DisclosableItem } from '../core/items.js';
import { DISCLOSURE_REFUSALS } from '../core/policy/decide.js';
import { CaseReference, NonDisclosureReasonCode } from '../core/policy/non-disclosure.js';
import { DISCLOSURE_OUTCOMES, LegalDate, OfficeWork } from '../core/policy/vocabulary.js';
import { PartyId } from '../schemas/primitives.js';

/** Request and response bodies of the agency APIs; no linkage id ever appears in one. */
const Items = z
  .array(DisclosableItem)
  .min(1)
  .max(10)
  .refine((items) => new Set(items).size === items.length, { error: 'items must not repeat' });

export const InquiryBody = z
  .strictObject({
    /** The requesting agency's own code for the resident (機関別符号). */
    agencyCode: z.string().min(1).max(128),
    officeWork: OfficeWork,
    items: Items,
    provider: PartyId.optional(),
    /**
     * Hide this inquiry from the resident until this date: only under a legal-basis row that allows
     * it, within its maximum, and with `nonDisclosureReason` (docs/legal-basis.md); else refused.
     */
    nonDisclosureUntil: LegalDate.optional(),
    /** Why: a code from a closed list, recorded in the trail. Never free text. */
    nonDisclosureReason: NonDisclosureReasonCode.optional(),
    /** The agency's case number, digit groups only (e.g. 2025-000123), recorded in the trail. */
    caseReference: CaseReference.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.nonDisclosureUntil !== undefined) return;
    for (const field of ['nonDisclosureReason', 'caseReference'] as const)
      if (body[field] !== undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: 'only together with nonDisclosureUntil' });
  });

export const SelfInformationBody = z.strictObject({
  /** The service's PPID for the resident. */
  ppid: z.string().min(1).max(128),
  purpose: OfficeWork,
  items: Items,
  provider: PartyId.optional(),
});

export const TrailPositionView = z.object({ topic: z.string(), partition: z.int(), offset: z.string() });

export const ItemAnswerView = z.object({
  itemKind: DisclosableItem,
  provider: z.string(),
  outcome: z.enum(DISCLOSURE_OUTCOMES),
  /** Why the item was refused, a stable code (docs/legal-basis.md); null unless REFUSED. */
  reason: z.enum(DISCLOSURE_REFUSALS).nullable(),
  /** What exactly was refused (e.g. USES_EXHAUSTED, "effective until 2023-03-31"); null when none. */
  detail: z.string().nullable(),
  legalBasisRowId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).optional(),
  /** Hex SHA-256 of the canonical JSON of `data`, as recorded in the trail. */
  digest: z.string().nullable(),
  nonDisclosureUntil: z.string().nullable(),
  trail: TrailPositionView,
});

export const InquiryAnswer = z.object({ inquiryId: z.string(), items: z.array(ItemAnswerView) });

/** 403 and 404 answers: the error body plus what was recorded for each item. */
export const RecordedRefusal = z
  .object({
    code: z.string(),
    message: z.string(),
    path: z.string(),
    /** The first refused item's code (403); absent on a 404. */
    reason: z.string().optional(),
    inquiryId: z.string(),
    items: z.array(ItemAnswerView),
  })
  .meta({
    id: 'RecordedRefusal',
    description: 'A refusal or not-found that was recorded in the trail, item by item',
  });

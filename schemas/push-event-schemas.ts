import { z } from 'zod';
import { LEDGER_ACTIONS, LEDGER_ENTRIES } from './enums.js';
import { CalendarDate, LinkageId, PartyId, type Primitives } from './primitives.js';

const text = (max = 256) => z.string().min(1).max(max);
const ruleId = z.string().regex(/^ER-\d{4}$/, 'expected a rule id like ER-0001');
const noticeId = z.string().regex(/^en-[0-9a-f]{40}$/, 'expected a notice id en-<40 hex>');

/**
 * The events of push-type administration (issue 15): the resident's ledger and eligibility notices,
 * with buildEventSchemas' envelope.
 */
export function buildPushEventSchemas<E extends z.ZodType>(p: Primitives, Envelope: E) {
  const event = <T extends string, D extends z.ZodType>(type: T, data: D) =>
    z.object({ type: z.literal(type), envelope: Envelope, data });
  /** A ledger entry is never on a topic in clear: only sealed under the vault key's ledger-seal subkey. */
  const ResidentLedgerChanged = event(
    'ResidentLedgerChanged',
    z
      .object({
        linkageId: LinkageId,
        entry: z.enum(LEDGER_ENTRIES),
        action: z.enum(LEDGER_ACTIONS),
        sealed: z
          .object({
            ciphertext: p.bytes.refine((b) => b.length >= 16, 'expected AES-GCM ciphertext with its tag'),
            nonce: p.bytes.refine((b) => b.length === 12, 'expected a 12-byte nonce'),
            keyVersion: z.number().int().min(1).max(999_999),
          })
          .nullable(),
      })
      .refine((data) => (data.action === 'REGISTERED') === (data.sealed !== null), {
        path: ['sealed'],
        message: 'a registered entry is sealed; a removal carries nothing',
      }),
  );

  const notice = {
    ruleId,
    ruleRevision: text(40),
    officeWork: text(128),
    responsibleAgency: PartyId,
    legalBasisRowId: text(128),
    dueDate: CalendarDate,
    effectiveDate: CalendarDate,
  };
  const EligibilityNoticeIssued = event(
    'EligibilityNoticeIssued',
    z.object({
      noticeId,
      ppid: text(128),
      title: text(200),
      ...notice,
      trail: z.object({
        topic: text(249),
        partition: z.number().int().min(0),
        offset: z.string().regex(/^\d+$/),
      }),
    }),
  );
  const EligibilityNoticeDeclined = event(
    'EligibilityNoticeDeclined',
    z.object({ noticeId, ppid: text(128) }),
  );
  const EligibilityNoticeDelivered = event(
    'EligibilityNoticeDelivered',
    z.object({ recipient: PartyId, agencyCode: text(128), ...notice }),
  );
  return {
    ResidentLedgerChanged,
    EligibilityNoticeIssued,
    EligibilityNoticeDeclined,
    EligibilityNoticeDelivered,
  };
}

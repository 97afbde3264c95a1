import { canonicalJson } from '../core/canonical-json.js';
import type { Clock } from '../core/clock.js';
import { checkConsent } from '../core/consent/check.js';
import type { DisclosableItem } from '../core/items.js';
import {
  consentRefusal,
  type DisclosureRefusal,
  decideDisclosure,
  type Refusal,
} from '../core/policy/decide.js';
import type { NonDisclosureRequest } from '../core/policy/non-disclosure.js';
import type { LegalBasisPolicy } from '../core/policy/table.js';
import { type DisclosureChannel, type DisclosureOutcome, legalDateOf } from '../core/policy/vocabulary.js';
import type { ResidentRecord } from '../core/resident/index.js';
import { type DisclosureFacts, digestOf, disclosureRecorded } from '../trail/disclosure.js';
import type { TrailPosition } from '../trail/positions.js';
import type { DisclosureRecorder } from '../trail/recorder.js';
import { type DisclosedData, readDisclosable } from './disclosed-items.js';
import type { ConsentReadModel, ConsentUses, InquiryReadModel } from './ports.js';

export interface DisclosureRequest {
  /** The authenticated agency or private service. */
  requester: string;
  officeWork: string;
  items: readonly DisclosableItem[];
  provider?: string | undefined;
  /** Resolved by the caller from the requester's agency code or PPID; never leaves the hub. */
  linkageId: string;
  channel: Extract<DisclosureChannel, 'INQUIRY' | 'SELF_INFORMATION'>;
  /** The requester asks that the resident not see this until then, with a reason (core/policy decides). */
  nonDisclosure?: NonDisclosureRequest | undefined;
  correlationId: string;
  /** How long ago the request arrived (fastify's reply.elapsedTime): its trail records' occurredAt. */
  receivedMsAgo?: number;
}

export interface ItemAnswer {
  itemKind: DisclosableItem;
  provider: string;
  outcome: DisclosureOutcome;
  /** The refusal code (core/policy's `DISCLOSURE_REFUSALS`); null unless REFUSED. */
  reason: DisclosureRefusal | null;
  /** What exactly was refused (a row's dates, the consent's state); null when the code says it all. */
  detail: string | null;
  legalBasisRowId: string | null;
  /** Present only when DISCLOSED: exactly what was digested into the trail. */
  data?: DisclosedData;
  digest: string | null;
  nonDisclosureUntil: string | null;
  trail: TrailPosition;
}

export interface DisclosureServiceDeps {
  policy: { current(): LegalBasisPolicy };
  consents: ConsentReadModel;
  /** Counts each use of a consent (ConsentUsed, acks=all) and refuses one past `maxUses`. */
  consentUses: ConsentUses;
  readModel: InquiryReadModel;
  recorder: DisclosureRecorder;
  clock: Clock;
  ids: () => string;
  producer?: string;
}

/**
 * One inquiry or self-information request: per item, core/policy's `decideDisclosure` (the provider,
 * legal basis, default deny; any hiding the requester asked for; the resident's consent where the row
 * or the channel needs it) → read the duplicate store → for a disclosure under a consent, one ConsentUsed
 * appended and acknowledged (a use past `maxUses` is refused here) → one DisclosureRecorded per item,
 * appended to the trail and acknowledged before anything is returned. If any record is not
 * acknowledged the whole answer fails with TRAIL_UNAVAILABLE and nothing is disclosed (a use counted
 * by then stays counted: uses may be over-counted, never under-counted).
 */
export function createDisclosureService(deps: DisclosureServiceDeps) {
  const producer = deps.producer ?? 'gateway';

  async function decideItem(
    request: DisclosureRequest,
    item: DisclosableItem,
    resident: ResidentRecord | undefined,
    policy: LegalBasisPolicy,
    at: Date,
  ): Promise<{ facts: DisclosureFacts; refusal?: Refusal; data?: DisclosedData }> {
    const { requester, officeWork, linkageId, channel } = request;
    const consents = await deps.consents.consentsOf(linkageId);
    const consent = checkConsent(consents, { recipient: requester, purpose: officeWork, item, at });
    const decision = decideDisclosure(
      policy,
      {
        requester,
        officeWork,
        provider: request.provider,
        item,
        on: legalDateOf(at),
        channel,
        nonDisclosure: request.nonDisclosure,
      },
      { resident: resident ?? null, consent },
    );
    const { provider } = decision;
    const base = {
      linkageId,
      requester,
      officeWork,
      provider,
      itemKind: item,
      channel,
      disclosedDigest: null,
    };
    // A refusal is never hidden from the resident: nothing was disclosed, and no one may hide an attempt.
    const refused = (refusal: Refusal, rowId: string | null) => ({
      refusal: { reason: refusal.reason, detail: refusal.detail },
      facts: {
        ...base,
        legalBasisRowId: rowId,
        outcome: 'REFUSED' as const,
        refusalReason: refusal.reason,
        refusalDetail: refusal.detail,
        nonDisclosureUntil: null,
      },
    });
    if (!decision.ok) return refused(decision, decision.rowId);
    const permitted = {
      ...base,
      legalBasisRowId: decision.row.id,
      refusalReason: null,
      nonDisclosureUntil: decision.nonDisclosureUntil,
      nonDisclosureReason: decision.nonDisclosureReason,
      nonDisclosureCaseReference: decision.caseReference,
    };
    const data = await readDisclosable(deps.readModel, linkageId, provider, item);
    if (data === undefined) return { facts: { ...permitted, outcome: 'NOT_FOUND' } };
    if (decision.consentId !== null) {
      const used = await deps.consentUses.use({
        consentId: decision.consentId,
        linkageId,
        recipient: requester,
        purpose: officeWork,
        item,
        at,
        correlationId: request.correlationId,
      });
      if (!used.ok) return refused(consentRefusal(used.reason), decision.row.id);
    }
    return {
      facts: {
        ...permitted,
        consentId: decision.consentId,
        outcome: 'DISCLOSED',
        disclosedDigest: digestOf(canonicalJson(data)),
      },
      data,
    };
  }

  return {
    async disclose(request: DisclosureRequest): Promise<ItemAnswer[]> {
      const at = deps.clock.now();
      const receivedAt = new Date(at.getTime() - Math.max(0, request.receivedMsAgo ?? 0));
      const policy = deps.policy.current();
      const resident = await deps.readModel.residentRecord(request.linkageId);
      const decided = await Promise.all(
        request.items.map((item) => decideItem(request, item, resident, policy, at)),
      );
      const recordedAt = deps.clock.now();
      const records = decided.map(({ facts }) =>
        disclosureRecorded(facts, {
          eventId: deps.ids(),
          at: recordedAt,
          receivedAt,
          producer,
          correlationId: request.correlationId,
        }),
      );
      // All records are sent together and all must be acknowledged before any answer leaves.
      const positions = await Promise.all(records.map((record) => deps.recorder.record(record)));
      return records.map(({ data: facts }, i) => {
        const { data, refusal } = decided[i] ?? {};
        return {
          itemKind: request.items[i] as DisclosableItem,
          provider: facts.provider,
          outcome: facts.outcome,
          reason: refusal?.reason ?? null,
          detail: refusal?.detail ?? null,
          legalBasisRowId: facts.legalBasisRowId,
          ...(data === undefined ? {} : { data: JSON.parse(canonicalJson(data)) as DisclosedData }),
          digest: facts.disclosedDigest ? Buffer.from(facts.disclosedDigest).toString('hex') : null,
          nonDisclosureUntil: facts.nonDisclosureUntil,
          trail: positions[i] as TrailPosition,
        };
      });
    },
  };
}
export type DisclosureService = ReturnType<typeof createDisclosureService>;

import type { Clock } from '../core/clock.js';
import { checkConsent } from '../core/consent/check.js';
import { type DisclosureDecision, decideDisclosure } from '../core/policy/decide.js';
import {
  ANY_MUNICIPALITY,
  type LegalBasisPolicy,
  PREVIOUS_RESIDENCE_MUNICIPALITY,
} from '../core/policy/table.js';
import { type ItemKind, isMunicipality, legalDateOf } from '../core/policy/vocabulary.js';
import type { ResidentRecord } from '../projections/resident-record.js';
import type { DisclosureChannel, DisclosureOutcome } from '../schemas/events.js';
import { type DisclosureFacts, digestOf, disclosureRecorded } from '../trail/disclosure.js';
import type { TrailPosition } from '../trail/positions.js';
import type { DisclosureRecorder } from '../trail/recorder.js';
import { canonicalJson, type DisclosedData, readDisclosable } from './disclosed-items.js';
import type { ConsentReadModel, InquiryReadModel } from './ports.js';

/** Recorded as the provider when the request named none and no legal-basis row determined one. */
export const UNSPECIFIED_PROVIDER = 'unspecified';

export interface DisclosureRequest {
  /** The authenticated agency or private service. */
  requester: string;
  officeWork: string;
  items: readonly ItemKind[];
  provider?: string | undefined;
  /** Resolved by the caller from the requester's agency code or PPID; never leaves the hub. */
  linkageId: string;
  channel: Extract<DisclosureChannel, 'INQUIRY' | 'SELF_INFORMATION'>;
  /** The requester asks that the resident not see this until then (e.g. an investigation). */
  nonDisclosureUntil?: string | undefined;
  correlationId: string;
  /** How long ago the request arrived (fastify's reply.elapsedTime): its trail records' occurredAt. */
  receivedMsAgo?: number;
}

export interface ItemAnswer {
  itemKind: ItemKind;
  provider: string;
  outcome: DisclosureOutcome;
  /** The refusal code (core/policy or core/consent); null unless REFUSED. */
  reason: string | null;
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
  readModel: InquiryReadModel;
  recorder: DisclosureRecorder;
  clock: Clock;
  ids: () => string;
  producer?: string;
}

/** Where the item would come from when the request did not say: the first row that names one. */
export function defaultProvider(
  policy: LegalBasisPolicy,
  request: { requester: string; officeWork: string },
  item: ItemKind,
  resident: ResidentRecord | undefined,
): string {
  for (const row of policy.rows) {
    const requesterMatches =
      row.requester === request.requester ||
      (row.requester === ANY_MUNICIPALITY && isMunicipality(request.requester));
    if (!requesterMatches || row.officeWork !== request.officeWork || row.item !== item) continue;
    const provider =
      row.provider === ANY_MUNICIPALITY
        ? resident?.currentMunicipality
        : row.provider === PREVIOUS_RESIDENCE_MUNICIPALITY
          ? resident?.previousMunicipality
          : row.provider;
    if (provider) return provider;
  }
  return UNSPECIFIED_PROVIDER;
}

const later = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null || a >= b ? a : b;

/**
 * One inquiry or self-information request: per item, legal basis (default deny) → consent where the
 * row requires it (always, for self-information) → read the duplicate store → one DisclosureRecorded
 * per item, appended to the trail and acknowledged before anything is returned. If any record is not
 * acknowledged the whole answer fails with TRAIL_UNAVAILABLE and nothing is disclosed.
 */
export function createDisclosureService(deps: DisclosureServiceDeps) {
  const producer = deps.producer ?? 'gateway';

  async function decideItem(
    request: DisclosureRequest,
    item: ItemKind,
    resident: ResidentRecord | undefined,
    policy: LegalBasisPolicy,
    at: Date,
  ): Promise<{ facts: DisclosureFacts; data?: DisclosedData }> {
    const provider = request.provider ?? defaultProvider(policy, request, item, resident);
    const consents = await deps.consents.consentsOf(request.linkageId);
    const consent = checkConsent(consents, {
      recipient: request.requester,
      purpose: request.officeWork,
      item,
      at,
    });
    const on = legalDateOf(at);
    let decision: DisclosureDecision = decideDisclosure(
      policy,
      { requester: request.requester, officeWork: request.officeWork, provider, item, on },
      { previousResidenceMunicipality: resident?.previousMunicipality ?? null, consent },
    );
    if (request.channel === 'SELF_INFORMATION' && decision.ok && !consent.ok) {
      // Self-information use is answered only under the resident's active consent, whatever the row says.
      decision = {
        ok: false,
        reason: consent.reason === 'NO_CONSENT' ? 'CONSENT_REQUIRED' : 'CONSENT_NOT_COVERING',
        rowId: decision.row.id,
      };
    }
    const requested =
      request.nonDisclosureUntil && request.nonDisclosureUntil > on ? request.nonDisclosureUntil : null;
    const base = {
      linkageId: request.linkageId,
      requester: request.requester,
      officeWork: request.officeWork,
      provider,
      itemKind: item,
      channel: request.channel,
    };
    if (!decision.ok) {
      const reason = decision.detail ? `${decision.reason}: ${decision.detail}` : decision.reason;
      return {
        facts: {
          ...base,
          legalBasisRowId: decision.rowId ?? null,
          outcome: 'REFUSED',
          refusalReason: reason,
          disclosedDigest: null,
          nonDisclosureUntil: requested,
        },
      };
    }
    const data = await readDisclosable(deps.readModel, request.linkageId, provider, item);
    const nonDisclosureUntil = later(decision.nonDisclosureUntil, requested);
    const common = { ...base, legalBasisRowId: decision.row.id, refusalReason: null, nonDisclosureUntil };
    if (data === undefined) return { facts: { ...common, outcome: 'NOT_FOUND', disclosedDigest: null } };
    return {
      facts: { ...common, outcome: 'DISCLOSED', disclosedDigest: digestOf(canonicalJson(data)) },
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
      // All records are sent together and all must be acknowledged before any answer leaves.
      const recordedAt = deps.clock.now();
      const positions = await Promise.all(
        decided.map(({ facts }) =>
          deps.recorder.record(
            disclosureRecorded(facts, {
              eventId: deps.ids(),
              at: recordedAt,
              receivedAt,
              producer,
              correlationId: request.correlationId,
            }),
          ),
        ),
      );
      return decided.map(({ facts, data }, i) => ({
        itemKind: facts.itemKind as ItemKind,
        provider: facts.provider,
        outcome: facts.outcome,
        reason: facts.refusalReason,
        legalBasisRowId: facts.legalBasisRowId,
        ...(data === undefined ? {} : { data: JSON.parse(canonicalJson(data)) as DisclosedData }),
        digest: facts.disclosedDigest ? Buffer.from(facts.disclosedDigest).toString('hex') : null,
        nonDisclosureUntil: facts.nonDisclosureUntil,
        trail: positions[i] as TrailPosition,
      }));
    },
  };
}
export type DisclosureService = ReturnType<typeof createDisclosureService>;

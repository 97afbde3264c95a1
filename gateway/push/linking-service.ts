import { canonicalJson } from '../../core/canonical-json.js';
import type { Clock } from '../../core/clock.js';
import { TsunagiError } from '../../core/errors.js';
import { decideLinking } from '../../core/linking/decide.js';
import type { LegalBasisPolicy } from '../../core/policy/table.js';
import { legalDateOf } from '../../core/policy/vocabulary.js';
import type { CodeRegistry } from '../../identity/code-registry.js';
import type { MyNumber } from '../../identity/my-number.js';
import type { Vault } from '../../identity/vault.js';
import { digestOf, disclosureRecorded } from '../../trail/disclosure.js';
import type { TrailPosition } from '../../trail/positions.js';
import type { DisclosureRecorder } from '../../trail/recorder.js';
import { refusal } from '../errors.js';

/** The provider of a link's trail entry: the hub's identity service converts the code, nobody else. */
export const LINKING_PROVIDER = 'identity-hub';

export interface LinkRequest {
  /** The authenticated agency. */
  requester: string;
  /** Validated at the edge (check digit); used once, for the vault lookup, and never kept. */
  myNumber: MyNumber;
  officeWork: string;
  legalBasisRowId: string;
  correlationId: string;
  /** How long ago the request arrived: its trail record's occurredAt. */
  receivedMsAgo?: number;
}

export interface LinkAnswer {
  agencyCode: string;
  officeWork: string;
  legalBasisRowId: string;
  trail: TrailPosition;
}

export interface LinkingDeps {
  policy: { current(): LegalBasisPolicy };
  /** The identity vault: My Number → linkage id by its keyed hash, or undefined when not enrolled. */
  vault: Pick<Vault, 'lookup'>;
  codes: Pick<CodeRegistry, 'issueAgencyCode'>;
  recorder: Pick<DisclosureRecorder, 'record'>;
  clock: Clock;
  ids: () => string;
}

/**
 * An agency links a resident at application time: the My Number it received → its own agency code.
 * In order: the legal-basis row (decideLinking, before anything about the resident is looked up,
 * so an agency without a basis learns nothing) → the vault lookup by keyed hash → the code (issued
 * on first link, the same on every later one: idempotent) → a DisclosureRecorded of channel
 * LINKING, item AGENCY_CODE, acknowledged by the trail (acks=all) before the code is answered.
 * A refusal is recorded in the trail of a resident the vault knows; an unknown resident is
 * answered 404 IDENTITY_UNKNOWN (recorded by the security audit: there is no resident to record it for).
 */
export function createLinkingService(deps: LinkingDeps) {
  const record = async (
    request: LinkRequest,
    linkageId: string,
    outcome: { rowId: string | null; refusal: string | null; agencyCode?: string },
  ) => {
    const at = deps.clock.now();
    return deps.recorder.record(
      disclosureRecorded(
        {
          linkageId,
          requester: request.requester,
          officeWork: request.officeWork,
          legalBasisRowId: outcome.rowId,
          provider: LINKING_PROVIDER,
          itemKind: 'AGENCY_CODE',
          outcome: outcome.refusal === null ? 'DISCLOSED' : 'REFUSED',
          refusalReason: outcome.refusal,
          channel: 'LINKING',
          disclosedDigest:
            outcome.agencyCode === undefined
              ? null
              : digestOf(canonicalJson({ agencyCode: outcome.agencyCode })),
          nonDisclosureUntil: null,
        },
        {
          eventId: deps.ids(),
          at,
          receivedAt: new Date(at.getTime() - Math.max(0, request.receivedMsAgo ?? 0)),
          producer: 'gateway',
          correlationId: request.correlationId,
        },
      ),
    );
  };

  return {
    async link(request: LinkRequest): Promise<LinkAnswer> {
      const decision = decideLinking(deps.policy.current(), {
        requester: request.requester,
        officeWork: request.officeWork,
        legalBasisRowId: request.legalBasisRowId,
        on: legalDateOf(deps.clock.now()),
      });
      const linkageId = await deps.vault.lookup(request.myNumber);
      if (!decision.ok) {
        const reason = decision.detail ? `${decision.reason}: ${decision.detail}` : decision.reason;
        if (linkageId !== undefined) await record(request, linkageId, { rowId: null, refusal: reason });
        throw refusal(
          new TsunagiError('FORBIDDEN', `linking refused: ${reason}`, { path: 'body.legalBasisRowId' }),
          { reason: decision.reason },
        );
      }
      if (linkageId === undefined)
        throw new TsunagiError('IDENTITY_UNKNOWN', 'no resident is enrolled under this My Number', {
          path: 'body.myNumber',
        });
      const agencyCode = await deps.codes.issueAgencyCode(request.requester, linkageId);
      const trail = await record(request, linkageId, { rowId: decision.row.id, refusal: null, agencyCode });
      return { agencyCode, officeWork: request.officeWork, legalBasisRowId: decision.row.id, trail };
    },
  };
}
export type LinkingService = ReturnType<typeof createLinkingService>;

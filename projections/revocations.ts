import { revocationKey } from '../jpki/pki.js';
import type { RevocationReason, RevocationSource } from '../jpki/revocation.js';
import { evolve as evolveRevocations, type RevocationView } from '../jpki/revocation-view.js';
import type { TsunagiEvent, RevocationReason as WireReason } from '../schemas/events.js';
import type { ApplyOutcome, Projection, StoreTx } from './projection.js';

/** One row per `issuer|serial` (jpki's `revocationKey`), in the shape of jpki's RevocationView. */
export const REVOCATIONS = 'revocations';

export interface RevocationRow {
  since: Date;
  reason: RevocationReason;
  source: RevocationSource;
}

/** Wire enum (schemas/enums.ts, RFC 5280 order) → jpki's CRLReason names. */
const REASON: Record<WireReason, RevocationReason> = {
  UNSPECIFIED: 'unspecified',
  KEY_COMPROMISE: 'keyCompromise',
  CA_COMPROMISE: 'cACompromise',
  AFFILIATION_CHANGED: 'affiliationChanged',
  SUPERSEDED: 'superseded',
  CESSATION_OF_OPERATION: 'cessationOfOperation',
  CERTIFICATE_HOLD: 'certificateHold',
  REMOVE_FROM_CRL: 'removeFromCRL',
  PRIVILEGE_WITHDRAWN: 'privilegeWithdrawn',
  AA_COMPROMISE: 'aACompromise',
};

/**
 * Folds CertificateRevoked with jpki's revocation-view `evolve`, one row at a time: a revocation
 * once seen stays, with its earliest revocation time. The topic is compacted, so a replay may see
 * only the last record per certificate; the rule gives the same row either way.
 */
export function applyRevocation(event: TsunagiEvent, tx: StoreTx): ApplyOutcome {
  if (event.type !== 'CertificateRevoked') return { outcome: 'ignored' };
  const { issuer, serialNumber, revokedAt, reason, source } = event.data;
  const rowKey = revocationKey(issuer, serialNumber);
  const known = tx.get<RevocationRow>(REVOCATIONS, rowKey);
  const view: RevocationView = { revoked: new Map(known ? [[rowKey, known]] : []), coverage: new Map() };
  const next = evolveRevocations(view, {
    type: 'CertificateRevoked',
    issuer,
    serialNumber,
    revokedAt,
    reason: REASON[reason],
    source,
  });
  if (next === view) return { outcome: 'duplicate' };
  const row = next.revoked.get(rowKey);
  if (row) tx.put(REVOCATIONS, rowKey, row satisfies RevocationRow);
  return { outcome: 'applied' };
}

export const revocationProjection = (topic: string): Projection<TsunagiEvent> => ({
  name: 'revocations',
  topics: [topic],
  tables: [REVOCATIONS],
  apply: (event, tx) => applyRevocation(event, tx),
});

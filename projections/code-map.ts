import { codeKey, evolveCodeRow } from '../identity/code-view.js';
import type { AgencyCodeIssued } from '../identity/event-log.js';
import { agencyCodeIssuedCodec } from '../identity/identity-codecs.js';
import type { CodeRecord } from '../identity/identity-store.js';
import type { ApplyOutcome, Projection, StoreTx } from './projection.js';

/** Reverse index agency code → sealed linkage id, keyed `codeKind/holderId/code` (identity's `codeKey`). */
export const CODES = 'codes';

/** Folds AgencyCodeIssued with identity's `evolveCodeRow` (first issue wins). */
export function applyAgencyCode(event: AgencyCodeIssued, tx: StoreTx): ApplyOutcome {
  const rowKey = codeKey(event.codeKind, event.agencyId, event.agencyCode);
  const next = evolveCodeRow(tx.get<CodeRecord>(CODES, rowKey), event);
  if (!next) return { outcome: 'duplicate' };
  tx.put(CODES, rowKey, next);
  return { outcome: 'applied' };
}

/**
 * The `agency-codes` topic carries identity records, not domain events, so this projection decodes
 * with identity's codec over the runner's wire (registry-framed). The linkage id stays sealed in the row.
 */
export const codeMapProjection = (topic: string): Projection<AgencyCodeIssued> => ({
  name: 'code-map',
  topics: [topic],
  tables: [CODES],
  decode: (bytes, wire) => agencyCodeIssuedCodec(wire).decode(bytes),
  apply: (event, tx) => applyAgencyCode(event, tx),
});

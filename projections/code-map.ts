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
 * The `agency-codes` topic is hub-internal plain Avro without registry framing (identity/identity-codecs.ts),
 * so this projection brings its own decoder. The linkage id stays sealed in the row.
 */
export const codeMapProjection = (topic: string): Projection<AgencyCodeIssued> => ({
  name: 'code-map',
  topics: [topic],
  tables: [CODES],
  decode: (bytes) => agencyCodeIssuedCodec.decode(bytes),
  apply: (event, tx) => applyAgencyCode(event, tx),
});

import type { AgencyCodeIssued, CodeKind } from './event-log.js';
import type { CodeRecord } from './identity-store.js';

/** Row key of the reverse index: one row per issued code, scoped to its holder. */
export const codeKey = (kind: CodeKind, holderId: string, code: string): string =>
  `${kind}/${holderId}/${code}`;

/** The sealed linkage id is bound to its code: a ciphertext copied to another code fails to open. */
export const codeSealContext = codeKey;

/**
 * Evolve of the reverse index (code → sealed linkage id) from AgencyCodeIssued events. First issue wins
 * and a code is a function of (holder, linkage id), so replays and duplicates change nothing; returns
 * undefined when the row does not change.
 */
export function evolveCodeRow(
  current: CodeRecord | undefined,
  event: AgencyCodeIssued,
): CodeRecord | undefined {
  if (current) return undefined;
  return {
    keyVersion: event.keyVersion,
    sealedLinkageId: event.sealedLinkageId,
    nonce: event.nonce,
    sealKeyVersion: event.sealKeyVersion,
    issuedAt: event.issuedAt,
  };
}

/** The same evolve over an in-memory map, for tools and tests that hold the view in memory. */
export function evolveCodeMap(
  view: ReadonlyMap<string, CodeRecord>,
  event: AgencyCodeIssued,
): ReadonlyMap<string, CodeRecord> {
  const key = codeKey(event.codeKind, event.agencyId, event.agencyCode);
  const next = evolveCodeRow(view.get(key), event);
  return next ? new Map(view).set(key, next) : view;
}

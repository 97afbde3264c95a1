import type { ViewDefinition } from '../platform/view.js';
import { Topics } from '../schemas/topics.js';
import type { AgencyCodeIssued, CodeKind } from './event-log.js';
import { agencyCodeIssuedCodec } from './identity-codecs.js';
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

/**
 * THE code map (reverse index code → sealed linkage id) as a view of the `agency-codes` topic: the
 * identity hub folds it into its store when issuing and when rebuilding, the projector keeps a
 * read-only copy. The topic carries identity records, not domain events: decoded with identity's codec.
 */
export const codeMapView: ViewDefinition<CodeRecord, AgencyCodeIssued> = {
  name: 'code-map',
  version: 1,
  topics: [Topics.agencyCodes],
  decode: (value, wire) => agencyCodeIssuedCodec(wire).decode(value),
  keyOf: (event) => codeKey(event.codeKind, event.agencyId, event.agencyCode),
  evolve: (row, event) => evolveCodeRow(row, event) ?? row,
};

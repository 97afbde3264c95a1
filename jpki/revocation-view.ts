import type { ViewDefinition, ViewReader } from '../platform/view.js';
import type { TsunagiEvent, RevocationReason as WireReason } from '../schemas/events.js';
import { Topics } from '../schemas/topics.js';
import { revocationKey } from './pki.js';
import type { RevocationReason, RevocationSource } from './revocation.js';
import { fromWireReason } from './revocation-events.js';

/** A revoked certificate: since when (the earliest revocation time seen), why, who said so. */
export interface RevokedRow {
  kind: 'revoked';
  since: Date;
  reason: WireReason;
  source: RevocationSource;
}

/** Per issuer: the validity window of the newest CRL ingested, until when "not listed" means "good". */
export interface CoverageRow {
  kind: 'coverage';
  thisUpdate: Date;
  nextUpdate: Date;
}

export type RevocationRow = RevokedRow | CoverageRow;

/** What certificate checks read: the revocations view, in memory or the projector's lmdb copy. */
export type RevocationRows = ViewReader<RevocationRow>;

export const revokedKey = (issuer: string, serialNumber: string): string =>
  `revoked|${revocationKey(issuer, serialNumber)}`;
export const coverageKey = (issuer: string): string => `coverage|${issuer}`;

function keyOf(event: TsunagiEvent): string | undefined {
  if (event.type === 'CertificateRevoked') return revokedKey(event.data.issuer, event.data.serialNumber);
  if (event.type === 'RevocationListIngested') return coverageKey(event.data.issuer);
  return undefined;
}

/**
 * A revocation, once seen, stays with its earliest revocation time (a later re-publication cannot
 * move it); a CRL marker replaces the coverage only when its list is newer. So applying an event
 * twice, or in any order (the topic is compacted and its partitions interleave), gives the same rows.
 */
function evolve(row: RevocationRow | undefined, event: TsunagiEvent): RevocationRow | undefined {
  if (event.type === 'CertificateRevoked') {
    const { revokedAt, reason, source } = event.data;
    if (row?.kind === 'revoked' && row.since.getTime() <= revokedAt.getTime()) return row;
    return { kind: 'revoked', since: revokedAt, reason, source };
  }
  if (event.type === 'RevocationListIngested') {
    const { thisUpdate, nextUpdate } = event.data;
    if (row?.kind === 'coverage' && row.thisUpdate.getTime() >= thisUpdate.getTime()) return row;
    return { kind: 'coverage', thisUpdate, nextUpdate };
  }
  return row;
}

/** THE revocations view of the `certificate-status` topic: one row per revoked certificate, one per CRL issuer. */
export const revocationsView: ViewDefinition<RevocationRow> = {
  name: 'revocations',
  version: 1,
  topics: [Topics.certificateStatus],
  keyOf,
  evolve,
};

export type RevokedStatus = { revoked: false } | { revoked: true; since: Date; reason: RevocationReason };

export function isRevoked(rows: RevocationRows, issuer: string, serialNumber: string): RevokedStatus {
  const row = rows.get(revokedKey(issuer, serialNumber));
  return row?.kind === 'revoked'
    ? { revoked: true, since: row.since, reason: fromWireReason(row.reason) }
    : { revoked: false };
}

/** Whether the view holds an unexpired CRL for the issuer, so absence from it means "good". */
export function isCovered(rows: RevocationRows, issuer: string, at: Date): boolean {
  const row = rows.get(coverageKey(issuer));
  return row?.kind === 'coverage' && row.nextUpdate.getTime() >= at.getTime();
}

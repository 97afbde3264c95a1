import { fromBase64 } from '../../../trail/log/verifier/bytes.js';
import { parseVerifierKey, type VerifierKey } from '../../../trail/log/verifier/note.js';
import { ConsistencyProofJson, InclusionProofJson } from '../../../trail/log/verifier/proof-json.js';
import { verifyResidentEntry } from '../../../trail/log/verifier/resident-entry.js';
import { verifyCheckpoint, verifyLogConsistency } from '../../../trail/log/verifier/verify.js';

/** One entry of `GET /v1/resident/history` (the fields the page uses). */
export interface HistoryEntry {
  eventId: string;
  index: number | null;
  recordedAt: string;
  agency: { id: string; ja: string; en: string };
  provider: { id: string };
  item: { code: string; ja: string; en: string };
  officeWork: { code: string };
  legalBasisRowId: string | null;
  channel: { code: string };
  outcome: { code: string; ja: string; en: string };
  refusalReason: string | null;
  nonDisclosureUntil: string | null;
  entry: string | null;
  proof: unknown;
}

export type Verdict =
  | { kind: 'verified' }
  | { kind: 'pending' }
  | { kind: 'failed'; reason: string; detail: string };

export type CheckpointState =
  | { ok: true; key: VerifierKey; note: string; summary: string }
  | { ok: false; reason: string; detail: string; summary: string }
  | { ok: 'none'; summary: string };

/** Where the page remembers the last checkpoint it verified, per log (public data only). */
export interface CheckpointMemory {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * The checkpoint of a history answer, checked here: signed by the log's key, and consistent with the
 * last checkpoint this browser verified for that log (a consistency proof from the gateway), so a
 * log that was rewritten or forked since the resident's last visit is refused with NOT_CONSISTENT.
 */
export async function checkCheckpoint(
  keyText: string,
  note: string | null,
  consistency: (size1: number, size2: number) => Promise<unknown>,
  memory: CheckpointMemory = (globalThis as unknown as { localStorage: CheckpointMemory }).localStorage,
): Promise<CheckpointState> {
  const parsedKey = await parseVerifierKey(keyText.trim());
  if (!parsedKey.ok) return { ok: false, reason: 'KEY_UNKNOWN', detail: parsedKey.detail, summary: '—' };
  const key = parsedKey.key;
  if (note === null) return { ok: 'none', summary: '—' };
  const current = await verifyCheckpoint(note, key);
  if (!current.ok) return { ok: false, reason: current.reason, detail: current.detail, summary: '—' };
  const summary = `${current.checkpoint.origin} · ${current.checkpoint.size}`;
  const remembered = `tsunagi.trail-checkpoint:${key.name}`;
  const previous = memory.getItem(remembered);
  const older = previous === null ? undefined : await verifyCheckpoint(previous, key);
  if (previous !== null && older?.ok) {
    const size1 = older.checkpoint.size;
    if (size1 > current.checkpoint.size)
      return {
        ok: false,
        reason: 'NOT_CONSISTENT',
        detail: `the log is at size ${current.checkpoint.size}, this browser saw it at ${size1}`,
        summary,
      };
    const proof = ConsistencyProofJson.safeParse(await consistency(size1, current.checkpoint.size));
    if (!proof.success)
      return { ok: false, reason: 'PROOF_INVALID', detail: 'the consistency proof is malformed', summary };
    const consistent = await verifyLogConsistency({ older: previous, newer: note, proof: proof.data, key });
    if (!consistent.ok) return { ok: false, reason: consistent.reason, detail: consistent.detail, summary };
  }
  memory.setItem(remembered, note);
  return { ok: true, key, note, summary };
}

/** The "verified" mark of one entry: in the log, the resident's, and showing what the log says. */
export async function verifyEntry(
  entry: HistoryEntry,
  checkpoint: CheckpointState | undefined,
  residentKey: string,
): Promise<Verdict> {
  if (checkpoint?.ok === false)
    return { kind: 'failed', reason: checkpoint.reason, detail: checkpoint.detail };
  if (checkpoint?.ok !== true || entry.entry === null || entry.proof === null) return { kind: 'pending' };
  const proof = InclusionProofJson.safeParse(entry.proof);
  const bytes = fromBase64(entry.entry);
  const key = fromBase64(residentKey);
  if (!proof.success || !bytes || !key)
    return { kind: 'failed', reason: 'PROOF_INVALID', detail: 'the entry or its proof is malformed' };
  const verdict = await verifyResidentEntry({
    entry: bytes,
    proof: proof.data,
    checkpoint: checkpoint.note,
    key: checkpoint.key,
    residentKey: key,
    shown: {
      eventId: entry.eventId,
      recordedAt: entry.recordedAt,
      requester: entry.agency.id,
      provider: entry.provider.id,
      itemKind: entry.item.code,
      officeWork: entry.officeWork.code,
      legalBasisRowId: entry.legalBasisRowId,
      channel: entry.channel.code,
      outcome: entry.outcome.code,
      refusalReason: entry.refusalReason,
    },
  });
  return verdict.ok
    ? { kind: 'verified' }
    : { kind: 'failed', reason: verdict.reason, detail: verdict.detail };
}

import { equalBytes, toBase64 } from './bytes.js';
import { type Checkpoint, parseCheckpoint } from './checkpoint.js';
import { hashLeaf, verifyConsistency, verifyInclusion } from './merkle.js';
import { type NoteRefusal, openNote, type VerifierKey } from './note.js';
import type { ConsistencyProof, InclusionProof } from './proof-json.js';

/**
 * What an auditor or a resident runs: an entry against a signed checkpoint and its inclusion proof,
 * and two signed checkpoints against a consistency proof. Browser-safe (Web Crypto only), so the
 * resident page and the CLI (`trail/verify.ts`) share this code. Failures are values with a stable
 * reason and a detail for humans (no entry contents, only sizes, indices and hashes).
 */
export type VerificationFailure =
  | NoteRefusal
  /** Signed by the trusted key, but for another log. */
  | 'ORIGIN_MISMATCH'
  /** The entry does not hash to the leaf the proof was made for: the entry was altered. */
  | 'ENTRY_MISMATCH'
  /** The inclusion proof is malformed or does not lead to the checkpoint's root. */
  | 'PROOF_INVALID'
  /** The newer checkpoint does not provably extend the older one. */
  | 'NOT_CONSISTENT';

export type Verified<T> = ({ ok: true } & T) | { ok: false; reason: VerificationFailure; detail: string };

const fail = (reason: VerificationFailure, detail: string) => ({ ok: false as const, reason, detail });

/** Checks the signature by `key` and the checkpoint's syntax and origin (by default the key's name). */
export async function verifyCheckpoint(
  note: Uint8Array | string,
  key: VerifierKey,
  origin: string = key.name,
): Promise<Verified<{ checkpoint: Checkpoint }>> {
  const opened = await openNote(note, key);
  if (!opened.ok) return opened;
  const parsed = parseCheckpoint(opened.text);
  if (!parsed.ok) return fail('CHECKPOINT_MALFORMED', parsed.detail);
  if (parsed.checkpoint.origin !== origin)
    return fail(
      'ORIGIN_MISMATCH',
      `the checkpoint is for log "${parsed.checkpoint.origin}", not "${origin}"`,
    );
  return { ok: true, checkpoint: parsed.checkpoint };
}

export interface InclusionClaim {
  /** The entry's bytes (the trail record's canonical bytes). */
  entry: Uint8Array;
  proof: InclusionProof;
  /** The signed checkpoint (note text). */
  checkpoint: Uint8Array | string;
  key: VerifierKey;
  origin?: string;
}

/** The entry is at `proof.index` of the log whose signed checkpoint is given. */
export async function verifyEntryInclusion(
  claim: InclusionClaim,
): Promise<Verified<{ checkpoint: Checkpoint; index: number }>> {
  const signed = await verifyCheckpoint(claim.checkpoint, claim.key, claim.origin);
  if (!signed.ok) return signed;
  const { checkpoint } = signed;
  const { proof } = claim;
  if (proof.size !== checkpoint.size)
    return fail(
      'PROOF_INVALID',
      `the proof is for a tree of size ${proof.size}, the checkpoint for size ${checkpoint.size}`,
    );
  const leaf = await hashLeaf(claim.entry);
  if (!equalBytes(leaf, proof.leafHash))
    return fail(
      'ENTRY_MISMATCH',
      `the entry hashes to leaf ${toBase64(leaf)}, the proof is for leaf ${toBase64(proof.leafHash)} at index ${proof.index}`,
    );
  const included = await verifyInclusion(proof.index, checkpoint.size, leaf, proof.hashes, checkpoint.root);
  if (!included.ok)
    return fail('PROOF_INVALID', `inclusion proof for index ${proof.index}: ${included.detail}`);
  return { ok: true, checkpoint, index: proof.index };
}

export interface ConsistencyClaim {
  older: Uint8Array | string;
  newer: Uint8Array | string;
  proof: ConsistencyProof;
  key: VerifierKey;
  origin?: string;
}

/** The log only grew between two signed checkpoints: nothing in the older one was rewritten. */
export async function verifyLogConsistency(
  claim: ConsistencyClaim,
): Promise<Verified<{ older: Checkpoint; newer: Checkpoint }>> {
  const older = await verifyCheckpoint(claim.older, claim.key, claim.origin);
  if (!older.ok) return { ...older, detail: `older checkpoint: ${older.detail}` };
  const newer = await verifyCheckpoint(claim.newer, claim.key, claim.origin);
  if (!newer.ok) return { ...newer, detail: `newer checkpoint: ${newer.detail}` };
  const [a, b] = [older.checkpoint, newer.checkpoint];
  if (a.size > b.size)
    return fail(
      'NOT_CONSISTENT',
      `the newer checkpoint (size ${b.size}) is smaller than the older (${a.size})`,
    );
  if (claim.proof.size1 !== a.size || claim.proof.size2 !== b.size)
    return fail(
      'PROOF_INVALID',
      `the proof is for sizes ${claim.proof.size1} → ${claim.proof.size2}, the checkpoints have ${a.size} → ${b.size}`,
    );
  const consistent = await verifyConsistency(a.size, b.size, claim.proof.hashes, a.root, b.root);
  if (!consistent.ok)
    return fail(
      consistent.malformed ? 'PROOF_INVALID' : 'NOT_CONSISTENT',
      `consistency ${a.size} → ${b.size}: ${consistent.detail}`,
    );
  return { ok: true, older: a, newer: b };
}

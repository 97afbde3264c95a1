import { z } from 'zod';
import { fromBase64, toBase64 } from './bytes.js';
import { HASH_SIZE } from './merkle.js';

/**
 * The JSON forms of proofs, as files for the verifier CLI and (later) gateway responses. Hashes are
 * standard base64, like the checkpoint's root line; sizes and indices are JSON integers.
 */
const treeSize = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const hash = z
  .string()
  .refine((text) => fromBase64(text)?.length === HASH_SIZE, `must be a base64 ${HASH_SIZE}-byte hash`)
  .transform((text) => fromBase64(text) as Uint8Array);

export const InclusionProofJson = z.strictObject({
  /** The entry's position in the log (its trail offset). */
  index: treeSize,
  /** The tree size the proof is for: the checkpoint's size. */
  size: treeSize,
  /** The leaf hash of the entry the proof was made for, so a changed entry is told apart. */
  leafHash: hash,
  /** RFC 9162 inclusion path, deepest first. */
  hashes: z.array(hash).max(64),
});
export type InclusionProof = z.output<typeof InclusionProofJson>;

export const ConsistencyProofJson = z.strictObject({
  size1: treeSize,
  size2: treeSize,
  /** RFC 9162 consistency path, deepest first. */
  hashes: z.array(hash).max(128),
});
export type ConsistencyProof = z.output<typeof ConsistencyProofJson>;

export const inclusionProofToJson = (proof: InclusionProof): z.input<typeof InclusionProofJson> => ({
  index: proof.index,
  size: proof.size,
  leafHash: toBase64(proof.leafHash),
  hashes: proof.hashes.map(toBase64),
});

export const consistencyProofToJson = (proof: ConsistencyProof): z.input<typeof ConsistencyProofJson> => ({
  size1: proof.size1,
  size2: proof.size2,
  hashes: proof.hashes.map(toBase64),
});

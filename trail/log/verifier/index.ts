/**
 * The browser-safe verifier of the access trail's Merkle log: RFC 9162 proofs, C2SP signed notes and
 * checkpoints, on Web Crypto only. Nothing here may import a `node:` module or use Buffer/process
 * (`browser-safe.unit.test.ts` enforces it); the resident page loads these files as they are.
 */
export { fromBase64, toBase64 } from './bytes.js';
export { type Checkpoint, formatCheckpoint, parseCheckpoint } from './checkpoint.js';
export { HASH_SIZE, hashChildren, hashLeaf, verifyConsistency, verifyInclusion } from './merkle.js';
export { keyIdOf, openNote, parseSignedNote, parseVerifierKey, type VerifierKey } from './note.js';
export {
  type ConsistencyProof,
  ConsistencyProofJson,
  consistencyProofToJson,
  type InclusionProof,
  InclusionProofJson,
  inclusionProofToJson,
} from './proof-json.js';
export {
  canonicalJson,
  encodePublicEntry,
  isEntryOf,
  opensSealed,
  PUBLIC_ENTRY_FORMAT,
  PublicTrailEntry,
  parsePublicEntry,
  type SealedFields,
} from './public-entry.js';
export {
  type ResidentEntryFailure,
  type ResidentEntryVerdict,
  type ShownFields,
  verifyResidentEntry,
} from './resident-entry.js';
export {
  type VerificationFailure,
  type Verified,
  verifyCheckpoint,
  verifyEntryInclusion,
  verifyLogConsistency,
} from './verify.js';

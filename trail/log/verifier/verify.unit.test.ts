import { describe, expect, it } from 'vitest';
import { forkedLog, signedLog } from '../testdata/signed-log.js';
import { parseVerifierKey, type VerifierKey } from './note.js';
import { verifyEntryInclusion, verifyLogConsistency } from './verify.js';

const log = signedLog(300);
const keyOf = async (text: string): Promise<VerifierKey> => {
  const parsed = await parseVerifierKey(text);
  if (!parsed.ok) throw new Error(parsed.detail);
  return parsed.key;
};
const key = await keyOf(log.verifierKey);
const flip = (hash: Uint8Array) => hash.map((b, i) => (i === 0 ? b ^ 0x80 : b));

describe('verifyEntryInclusion', () => {
  const honest = { entry: log.entry(42), proof: log.inclusion(42), checkpoint: log.checkpoint(), key };

  it('accepts an entry with its proof against the signed checkpoint', async () => {
    expect(await verifyEntryInclusion(honest)).toMatchObject({
      ok: true,
      index: 42,
      checkpoint: { size: 300 },
    });
  });

  it('refuses a tampered entry as ENTRY_MISMATCH', async () => {
    const entry = log.entry(42).map((b, i) => (i === 11 ? b ^ 1 : b));
    expect(await verifyEntryInclusion({ ...honest, entry })).toMatchObject({
      ok: false,
      reason: 'ENTRY_MISMATCH',
    });
  });

  it('refuses a tampered proof as PROOF_INVALID, also when the attacker fits the leaf hash to the entry', async () => {
    const hashes = honest.proof.hashes.map((h, i) => (i === 3 ? flip(h) : h));
    expect(await verifyEntryInclusion({ ...honest, proof: { ...honest.proof, hashes } })).toEqual({
      ok: false,
      reason: 'PROOF_INVALID',
      detail: "inclusion proof for index 42: the proof does not lead to the tree's root hash",
    });
    const other = log.inclusion(43);
    expect(
      await verifyEntryInclusion({ ...honest, entry: log.entry(43), proof: { ...other, index: 42 } }),
    ).toMatchObject({ reason: 'PROOF_INVALID' });
    expect(await verifyEntryInclusion({ ...honest, proof: log.inclusion(42, 299) })).toEqual({
      ok: false,
      reason: 'PROOF_INVALID',
      detail: 'the proof is for a tree of size 299, the checkpoint for size 300',
    });
  });

  it('refuses a checkpoint signed by another key as KEY_UNKNOWN, and an altered one as SIGNATURE_INVALID', async () => {
    const impostor = signedLog(300);
    expect(await verifyEntryInclusion({ ...honest, checkpoint: impostor.checkpoint() })).toMatchObject({
      ok: false,
      reason: 'KEY_UNKNOWN',
    });
    const altered = log.checkpoint().replace('\n300\n', '\n301\n');
    expect(await verifyEntryInclusion({ ...honest, checkpoint: altered })).toMatchObject({
      ok: false,
      reason: 'SIGNATURE_INVALID',
    });
  });
});

describe('verifyLogConsistency', () => {
  it('accepts a log that only grew', async () => {
    const claim = {
      older: log.checkpoint(100),
      newer: log.checkpoint(300),
      proof: log.consistency(100),
      key,
    };
    expect(await verifyLogConsistency(claim)).toMatchObject({
      ok: true,
      older: { size: 100 },
      newer: { size: 300 },
    });
  });

  it('refuses a checkpoint of a rewritten log as NOT_CONSISTENT', async () => {
    const fork = forkedLog(log, 300, 7);
    const claim = { older: log.checkpoint(100), newer: fork.checkpoint(300), key };
    // Neither the fork's own proof nor the honest log's proof links the two checkpoints.
    for (const proof of [fork.consistency(100), log.consistency(100)])
      expect(await verifyLogConsistency({ ...claim, proof })).toMatchObject({
        ok: false,
        reason: 'NOT_CONSISTENT',
        detail: expect.stringMatching(
          /^consistency 100 → 300: the proof does not lead to the (first|second) tree's root hash$/,
        ),
      });
    expect(
      await verifyLogConsistency({
        older: log.checkpoint(300),
        newer: log.checkpoint(100),
        proof: log.consistency(100),
        key,
      }),
    ).toEqual({
      ok: false,
      reason: 'NOT_CONSISTENT',
      detail: 'the newer checkpoint (size 100) is smaller than the older (300)',
    });
  });

  it('refuses a tampered consistency proof, and a proof for other sizes', async () => {
    const proof = log.consistency(100);
    const tampered = { ...proof, hashes: proof.hashes.map((h, i) => (i === 0 ? flip(h) : h)) };
    const claim = { older: log.checkpoint(100), newer: log.checkpoint(300), key };
    expect(await verifyLogConsistency({ ...claim, proof: tampered })).toMatchObject({
      reason: 'NOT_CONSISTENT',
    });
    expect(
      await verifyLogConsistency({ ...claim, proof: { ...proof, hashes: proof.hashes.slice(1) } }),
    ).toMatchObject({
      reason: 'PROOF_INVALID',
    });
    expect(await verifyLogConsistency({ ...claim, proof: log.consistency(99) })).toMatchObject({
      reason: 'PROOF_INVALID',
      detail: 'the proof is for sizes 99 → 300, the checkpoints have 100 → 300',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { createTrailSubjectKeys, publicEntryBytes } from '../public-entry.js';
import { testDisclosure } from '../testdata/disclosures.js';
import { signedLog } from '../testdata/signed-log.js';
import { parseVerifierKey, type VerifierKey } from './note.js';
import { verifyResidentEntry } from './resident-entry.js';

// Entries of lnk_merkle_{i % 5}_abc: index 617 is resident 2's, 616 resident 1's.
const subjects = createTrailSubjectKeys(new Uint8Array(32).fill(4));
const log = signedLog(1_000, { entry: (i) => publicEntryBytes(testDisclosure(i), subjects) });
const residentKey = subjects.residentKey('lnk_merkle_2_abc');
const key = async (): Promise<VerifierKey> => {
  const parsed = await parseVerifierKey(log.verifierKey);
  if (!parsed.ok) throw new Error(parsed.detail);
  return parsed.key;
};
const claim = async (index = 617, overrides = {}) => ({
  entry: log.entry(index),
  proof: log.inclusion(index),
  checkpoint: log.checkpoint(),
  key: await key(),
  residentKey,
  ...overrides,
});

describe("verifyResidentEntry: one entry of a resident's history, as the page checks it", () => {
  it('verifies an entry in the log, bound to the resident, showing what the entry says', async () => {
    const verdict = await verifyResidentEntry({
      ...(await claim()),
      shown: {
        eventId: 'evt-merkle-617',
        requester: '131016',
        itemKind: 'LOCAL_TAX_INCOME',
        outcome: 'DISCLOSED',
      },
    });
    expect(verdict).toMatchObject({ ok: true, index: 617, entry: { eventId: 'evt-merkle-617' } });
  });

  it("refuses another resident's entry even though it is in the log", async () => {
    expect(await verifyResidentEntry(await claim(616))).toEqual({
      ok: false,
      reason: 'NOT_YOUR_ENTRY',
      detail: "entry 616 is in the log but is not bound to this resident's trail key",
    });
  });

  it('refuses a page that shows something else than the logged entry', async () => {
    expect(
      await verifyResidentEntry({ ...(await claim()), shown: { requester: 'jps', outcome: 'REFUSED' } }),
    ).toEqual({
      ok: false,
      reason: 'SHOWN_FIELDS_DIFFER',
      detail: 'what is shown differs from the logged entry 617 in: requester, outcome',
    });
  });

  it('refuses a tampered entry, a tampered proof and a checkpoint signed by another key', async () => {
    const entry = log.entry(617).map((b, i) => (i === 30 ? b ^ 1 : b));
    expect(await verifyResidentEntry(await claim(617, { entry }))).toMatchObject({
      reason: 'ENTRY_MISMATCH',
    });
    const proof = log.inclusion(617);
    proof.hashes[0] = new Uint8Array(32);
    expect(await verifyResidentEntry(await claim(617, { proof }))).toMatchObject({ reason: 'PROOF_INVALID' });
    const impostor = signedLog(1_000, { entry: log.entry });
    expect(await verifyResidentEntry(await claim(617, { checkpoint: impostor.checkpoint() }))).toMatchObject({
      reason: 'KEY_UNKNOWN',
    });
  });

  it('refuses entry bytes that are in the log but are no public entry', async () => {
    const raw = signedLog(10);
    const parsed = await parseVerifierKey(raw.verifierKey);
    if (!parsed.ok) throw new Error(parsed.detail);
    const verdict = await verifyResidentEntry({
      entry: raw.entry(3),
      proof: raw.inclusion(3),
      checkpoint: raw.checkpoint(),
      key: parsed.key,
      residentKey,
    });
    expect(verdict).toEqual({ ok: false, reason: 'ENTRY_MALFORMED', detail: 'the entry is not JSON' });
  });
});

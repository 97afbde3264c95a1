import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../platform/logger.js';
import { followTrail, type SequencedEntry } from './follower.js';
import { inclusionProof, tileNodeReader } from './proofs.js';
import { createTrailLogMetrics, trailLogStatus } from './status.js';
import { openTrailLogStore, type TrailLogStore } from './store.js';
import { referenceRoot, testEntry, testLeaves } from './testdata/memory-tiles.js';
import { verifyInclusion } from './verifier/merkle.js';

const logger = createLogger({ level: 'silent' });
const dirs: string[] = [];
const stores: TrailLogStore[] = [];
const openStore = (dir = mkdtempSync(join(tmpdir(), 'tsunagi-trail-log-'))) => {
  if (!dirs.includes(dir)) dirs.push(dir);
  const store = openTrailLogStore(dir);
  stores.push(store);
  return { store, dir };
};
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function* sequenced(indices: Iterable<number>, entry = testEntry): AsyncGenerator<SequencedEntry> {
  for (const index of indices) yield { index, entry: entry(index) };
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('the follower and its store', () => {
  it('integrates in batches, one transaction each, and reaches the reference root', async () => {
    const { store } = openStore();
    const commits: number[] = [];
    await followTrail(sequenced(range(0, 1_000)), {
      store,
      logger,
      batchSize: 300,
      onIntegrated: (state) => commits.push(state.size),
    });
    expect(commits).toEqual([300, 600, 900, 1_000]);
    expect(store.integrated()).toEqual({ size: 1_000, root: referenceRoot(testLeaves(0, 1_000)) });
    // Every entry's bytes are stored with the integration that covers it.
    for (const index of [0, 299, 300, 999]) expect(store.entry(index)).toEqual(testEntry(index));
    expect(store.entry(1_000)).toBeUndefined();
  });

  it('continues after a restart from the stored state without recomputing', async () => {
    const { store, dir } = openStore();
    await followTrail(sequenced(range(0, 700)), { store, logger });
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const reopened = openStore(dir).store;
    expect(reopened.integrated().size).toBe(700);
    const commits: number[] = [];
    await followTrail(sequenced(range(700, 1_300)), {
      store: reopened,
      logger,
      onIntegrated: (s) => commits.push(s.size),
    });
    expect(commits).toEqual([1_300]);
    const leaves = testLeaves(0, 1_300);
    expect(reopened.integrated().root).toEqual(referenceRoot(leaves));
    const proof = inclusionProof(5, 1_300, tileNodeReader(reopened.readTile));
    expect(await verifyInclusion(5, 1_300, leaves[5] as Uint8Array, proof, referenceRoot(leaves))).toEqual({
      ok: true,
    });
  });

  it('refuses a gap with TRAIL_LOG_GAP after committing the entries before it', async () => {
    const { store } = openStore();
    const outcome = followTrail(sequenced([0, 1, 2, 4, 3]), { store, logger });
    await expect(outcome).rejects.toMatchObject({
      code: 'TRAIL_LOG_GAP',
      message: 'trail entry 4 arrived where 3 was expected: entries are missing or reordered',
    });
    expect(store.integrated().size).toBe(3);
  });

  it('skips an identical re-delivered entry and refuses a different one with TRAIL_LOG_DIVERGED', async () => {
    const { store } = openStore();
    await followTrail(sequenced([0, 1, 2, 3, 1, 2, 3, 4]), { store, logger, batchSize: 2 });
    expect(store.integrated()).toEqual({ size: 5, root: referenceRoot(testLeaves(0, 5)) });
    const rewritten = (i: number) => (i === 2 ? new TextEncoder().encode('rewritten') : testEntry(i));
    await expect(followTrail(sequenced([5, 2], rewritten), { store, logger })).rejects.toMatchObject({
      code: 'TRAIL_LOG_DIVERGED',
      message: 'trail entry 2 differs from the entry integrated at that index: the trail was rewritten',
    });
    // Within one uncommitted batch too.
    await expect(followTrail(sequenced([6, 7, 6], rewritten), { store, logger })).resolves.toBeUndefined();
    expect(store.integrated().size).toBe(8);
  });

  it('integrates a partial batch when no entry arrives within the linger time', async () => {
    const { store } = openStore();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sizes: number[] = [];
    async function* slow(): AsyncGenerator<SequencedEntry> {
      yield* sequenced([0, 1, 2]);
      await held;
      yield* sequenced([3]);
    }
    const following = followTrail(slow(), {
      store,
      logger,
      lingerMs: 5,
      onIntegrated: (s) => sizes.push(s.size),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.integrated().size).toBe(3);
    release();
    await following;
    expect(sizes).toEqual([3, 4]);
  });

  it('shows sequenced and integrated as distinct states, in the status and as gauges', async () => {
    const { store } = openStore();
    await followTrail(sequenced(range(0, 10)), { store, logger });
    const sequencedSize = async () => 14;
    expect(await trailLogStatus(store, sequencedSize)).toEqual({
      sequencedSize: 14,
      integratedSize: 10,
      pending: 4,
      integratedRoot: Buffer.from(referenceRoot(testLeaves(0, 10))).toString('base64'),
    });
    const text = await createTrailLogMetrics(store, sequencedSize).metrics();
    expect(text).toContain('trail_log_sequenced_size 14');
    expect(text).toContain('trail_log_integrated_size 10');
  });
});

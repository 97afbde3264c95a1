import { hash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DisclosureRecorded } from '../schemas/events.js';
import { followTrail, type SequencedEntry } from '../trail/log/follower.js';
import { createTrailLogProver } from '../trail/log/prover.js';
import { createTrailSubjectKeys, publicEntryBytes } from '../trail/log/public-entry.js';
import { openTrailLogStore } from '../trail/log/store.js';
import { testDisclosure } from '../trail/log/testdata/disclosures.js';
import { verifyConsistency, verifyInclusion } from '../trail/log/verifier/merkle.js';
import { benchMain } from './harness/main.js';
import { profileSelf } from './harness/profile-self.js';
import { type BenchFigure, baseVersions, profilesDir } from './harness/report.js';
import { latencySummary, perSecond, ratio } from './harness/stats.js';

/**
 * B4 the trail's Merkle log: integration rate (follower → tiles in lmdb, one transaction per batch,
 * durable commits) and proof times at the final size, against a baseline measured in the same run
 * (raw SHA-256 of the same entries). Needs no servers.
 *   npm run bench -- b4   ·   npx tsx bench/trail-log.ts [--entries 1000000] [--proofs 10000] [--batch 2000]
 * Entries are real public trail entries (trail/log/public-entry.ts), derived in the run from 4,096
 * DisclosureRecorded events, each copy with its own event id so all entries (and commitments) differ;
 * the derivation (two HMACs per entry plus canonical JSON) is timed on its own, as the trail reader's
 * share of keeping up, and together with integration.
 */
benchMain(
  {
    benchmark: 'b4',
    title: "trail proofs: the Merkle log's integration and proofs",
    options: { entries: { default: '1000000' }, proofs: { default: '10000' }, batch: { default: '2000' } },
  },
  async ({ quick, profile, logger, stage, options }) => {
    const total = quick ? 20_000 : Number(options.entries);
    const proofCount = quick ? 1_000 : Number(options.proofs);
    const batchSize = Number(options.batch);
    const subjects = createTrailSubjectKeys(randomBytes(32));
    const templates = Array.from({ length: 4096 }, (_, n) => testDisclosure(n));
    const eventAt = (index: number): DisclosureRecorded => {
      const template = templates[index % templates.length] as DisclosureRecorded;
      return { ...template, envelope: { ...template.envelope, eventId: `evt-bench-${index}` } };
    };

    stage('public entries derived from the trail events');
    // Derived as the service derives them, one at a time and let go (a retained million would make
    // the garbage collector, not the derivation, the figure); then once more, kept, for integration.
    let began = performance.now();
    let sink = 0;
    for (let i = 0; i < total; i++) sink ^= publicEntryBytes(eventAt(i), subjects)[0] ?? 0;
    const derivationMs = performance.now() - began;
    const derivationRate = perSecond(total, derivationMs);
    if (sink < 0) logger.info({ sink }, 'unreachable');
    const entries = Array.from({ length: total }, (_, i) => publicEntryBytes(eventAt(i), subjects));
    const meanBytes = Math.round(entries.reduce((n, e) => n + e.length, 0) / total);

    stage('baseline: raw SHA-256 of every entry');
    began = performance.now();
    for (const entry of entries) hash('sha256', entry, 'buffer');
    const baselineRate = perSecond(total, performance.now() - began);

    stage('integration into the lmdb tiles');
    const dir = mkdtempSync(join(tmpdir(), 'tsunagi-bench-trail-log-'));
    const store = openTrailLogStore(dir);
    try {
      async function* sequenced(from: number, to: number): AsyncGenerator<SequencedEntry> {
        for (let index = from; index < to; index++) yield { index, entry: entries[index] as Uint8Array };
      }
      let commits = 0;
      // The profiled pass integrates the last 10 % after the measured pass integrated the first 90 %.
      const measured = profile ? Math.floor(total * 0.9) : total;
      began = performance.now();
      await followTrail(sequenced(0, measured), { store, logger, batchSize, onIntegrated: () => commits++ });
      const integrationMs = performance.now() - began;
      const integrationRate = perSecond(measured, integrationMs);
      const endToEndRate = perSecond(measured, (derivationMs * measured) / total + integrationMs);
      const profiles = profile
        ? [
            await profileSelf(profilesDir('b4'), 'trail-log-integration', () =>
              followTrail(sequenced(measured, total), { store, logger, batchSize }),
            ),
          ]
        : [];
      // Let the entries go, as a prover process would not hold them (a big live heap slows every GC).
      entries.length = 0;

      stage(
        `${proofCount.toLocaleString('en')} inclusion and consistency proofs at ${total.toLocaleString('en')}`,
      );
      const prover = createTrailLogProver(store);
      const next = random(42);
      const times = { inclusion: [] as number[], consistency: [] as number[] };
      const timed = <T>(into: number[], work: () => T): T => {
        const started = performance.now();
        const result = work();
        into.push(performance.now() - started);
        return result;
      };
      const samples: Array<() => Promise<boolean>> = [];
      const root = store.integrated().root;
      for (let i = 0; i < proofCount; i++) {
        const index = Math.floor(next() * total);
        const size1 = 1 + Math.floor(next() * (total - 1));
        const inclusion = timed(times.inclusion, () => prover.inclusion(index));
        const consistency = timed(times.consistency, () => prover.consistency(size1));
        if (i % 100 === 0)
          samples.push(async () => {
            const a = await verifyInclusion(index, total, inclusion.leafHash, inclusion.hashes, root);
            const b = await verifyConsistency(size1, total, consistency.hashes, prover.rootAt(size1), root);
            return a.ok && b.ok;
          });
      }
      const verified = (await Promise.all(samples.map((check) => check()))).every(Boolean);
      const inclusion = latencySummary(times.inclusion);
      const consistency = latencySummary(times.consistency);
      const figures: BenchFigure[] = [
        { path: 'raw SHA-256 of every entry', value: baselineRate, unit: 'entries/s' },
        {
          path: 'integration (durable lmdb commits)',
          value: integrationRate,
          unit: 'entries/s',
          baseline: 'raw SHA-256 of every entry',
          ratio: ratio(integrationRate, baselineRate),
          target: '≥ 20,000 entries/s',
          note: `${commits} transactions of ${batchSize}`,
        },
        {
          path: 'public entries derived (2 HMACs + JSON each)',
          value: derivationRate,
          unit: 'entries/s',
          baseline: 'raw SHA-256 of every entry',
          ratio: ratio(derivationRate, baselineRate),
        },
        {
          path: 'derivation + integration in one process',
          value: endToEndRate,
          unit: 'entries/s',
          baseline: 'raw SHA-256 of every entry',
          ratio: ratio(endToEndRate, baselineRate),
          note: 'what the trail-log service sustains',
        },
        {
          path: 'inclusion proof',
          value: Math.round(1000 / Math.max(inclusion.p50Ms, 0.001)),
          unit: 'proofs/s at p50',
          p50Ms: inclusion.p50Ms,
          p99Ms: inclusion.p99Ms,
          target: 'p99 ≤ 1 ms',
        },
        {
          path: 'consistency proof',
          value: Math.round(1000 / Math.max(consistency.p50Ms, 0.001)),
          unit: 'proofs/s at p50',
          p50Ms: consistency.p50Ms,
          p99Ms: consistency.p99Ms,
          target: 'p99 ≤ 1 ms',
          note: `${samples.length} sampled proofs of each kind verified: ${verified}`,
        },
      ];
      return {
        versions: baseVersions(),
        settings: { entries: total, meanEntryBytes: meanBytes, batch: batchSize, proofs: proofCount },
        figures,
        profiles,
      };
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

/** A seeded generator, so runs are comparable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

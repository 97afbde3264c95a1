import { hash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { infraPaths } from '../infra/paths.js';
import { loadInfraConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import type { DisclosureRecorded } from '../schemas/events.js';
import { followTrail, type SequencedEntry } from '../trail/log/follower.js';
import { createTrailLogProver } from '../trail/log/prover.js';
import { createTrailSubjectKeys, publicEntryBytes } from '../trail/log/public-entry.js';
import { openTrailLogStore } from '../trail/log/store.js';
import { testDisclosure } from '../trail/log/testdata/disclosures.js';
import { verifyConsistency, verifyInclusion } from '../trail/log/verifier/merkle.js';

/**
 * The trail's Merkle log: integration rate (follower → tiles in lmdb, one transaction per batch,
 * durable commits) and proof times at the final size, against a baseline measured in the same run
 * (raw SHA-256 of the same entries). Prints figures and writes them as JSON under
 * $TSUNAGI_HOME/bench/ (git-ignored); asserts nothing. Needs no servers.
 *   npx tsx bench/trail-log.ts [--entries 1000000] [--proofs 10000] [--batch 2000]
 * Entries are real public trail entries (trail/log/public-entry.ts), derived in the run from 4,096
 * DisclosureRecorded events, each copy with its own event id so all entries (and commitments) differ;
 * the derivation (two HMACs per entry plus canonical JSON) is timed on its own, as the trail reader's
 * share of keeping up, and together with integration.
 */
const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '1000000' },
    proofs: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '2000' },
  },
});
const total = Number(values.entries);
const proofCount = Number(values.proofs);
const batchSize = Number(values.batch);
const logger = createLogger({ name: 'bench', level: 'error' });

const subjects = createTrailSubjectKeys(randomBytes(32));
const templates = Array.from({ length: 4096 }, (_, n) => testDisclosure(n));
function eventAt(index: number): DisclosureRecorded {
  const template = templates[index % templates.length] as DisclosureRecorded;
  return { ...template, envelope: { ...template.envelope, eventId: `evt-bench-${index}` } };
}

/** A seeded generator, so runs are comparable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Throughput per second of this process's CPU time: what the machine gives when others load it. */
const perCpuSecond = (count: number, used: NodeJS.CpuUsage) =>
  Math.round(count / ((used.user + used.system) / 1e6));

/**
 * Wall time per call. On a shared machine it includes time the process was descheduled; the load
 * average is printed beside it. (Per-call CPU time is not measurable this finely on Linux.)
 */
function timings() {
  const wall: number[] = [];
  return {
    time<T>(work: () => T): T {
      const started = performance.now();
      const result = work();
      wall.push(performance.now() - started);
      return result;
    },
    summary: () => summary(wall),
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const summary = (samplesMs: number[]) => {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return {
    p50Ms: round(percentile(sorted, 0.5)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
  };
};

async function main(): Promise<void> {
  // Derived as the service derives them, one at a time and let go (a retained million would make
  // the garbage collector, not the derivation, the figure); then once more, kept, for integration.
  let began = performance.now();
  let cpu = process.cpuUsage();
  let sink = 0;
  for (let i = 0; i < total; i++) sink ^= publicEntryBytes(eventAt(i), subjects)[0] ?? 0;
  const derivationMs = performance.now() - began;
  const derivationRate = Math.round(total / (derivationMs / 1000));
  const derivationCpuRate = perCpuSecond(total, process.cpuUsage(cpu));
  const entries = Array.from({ length: total }, (_, i) => publicEntryBytes(eventAt(i), subjects));
  if (sink < 0) console.log(sink);
  const meanBytes = Math.round(entries.reduce((n, e) => n + e.length, 0) / total);
  console.log(
    `${total.toLocaleString('en')} entries of ${meanBytes} bytes on average; ${cpus().length} CPUs, Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)}`,
  );

  console.log(
    `public entries derived (2 HMACs + JSON each): ${derivationRate.toLocaleString('en')} entries/s (${derivationCpuRate.toLocaleString('en')} per CPU-second)`,
  );
  began = performance.now();
  cpu = process.cpuUsage();
  for (const entry of entries) hash('sha256', entry, 'buffer');
  const baselineMs = performance.now() - began;
  const baselineRate = Math.round(total / (baselineMs / 1000));
  const baselineCpuRate = perCpuSecond(total, process.cpuUsage(cpu));
  console.log(
    `baseline: raw SHA-256 of every entry        ${baselineRate.toLocaleString('en')} entries/s (${baselineCpuRate.toLocaleString('en')} per CPU-second)`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'tsunagi-bench-trail-log-'));
  const store = openTrailLogStore(dir);
  async function* sequenced(): AsyncGenerator<SequencedEntry> {
    for (const [index, entry] of entries.entries()) yield { index, entry };
  }
  let commits = 0;
  began = performance.now();
  cpu = process.cpuUsage();
  await followTrail(sequenced(), { store, logger, batchSize, onIntegrated: () => commits++ });
  const integrationMs = performance.now() - began;
  const integrationRate = Math.round(total / (integrationMs / 1000));
  const integrationCpuRate = perCpuSecond(total, process.cpuUsage(cpu));
  console.log(
    `integration (persisted, ${commits} lmdb transactions of ${batchSize}): ${integrationRate.toLocaleString('en')} entries/s ` +
      `(${(integrationMs / 1000).toFixed(1)} s wall; ${integrationCpuRate.toLocaleString('en')} per CPU-second; target ≥ 20,000)`,
  );
  const endToEndRate = Math.round(total / ((derivationMs + integrationMs) / 1000));
  console.log(
    `derivation + integration in one process: ${endToEndRate.toLocaleString('en')} entries/s (what the trail-log service sustains)`,
  );

  // Let the entries go, as a prover process would not hold them (a big live heap slows every GC).
  entries.length = 0;
  const prover = createTrailLogProver(store);
  const next = random(42);
  const inclusionTimes = timings();
  const consistencyTimes = timings();
  const samples: Array<() => Promise<boolean>> = [];
  const root = store.integrated().root;
  for (let i = 0; i < proofCount; i++) {
    const index = Math.floor(next() * total);
    const size1 = 1 + Math.floor(next() * (total - 1));
    const inclusion = inclusionTimes.time(() => prover.inclusion(index));
    const consistency = consistencyTimes.time(() => prover.consistency(size1));
    if (i % 100 === 0)
      samples.push(async () => {
        const a = await verifyInclusion(index, total, inclusion.leafHash, inclusion.hashes, root);
        const b = await verifyConsistency(size1, total, consistency.hashes, prover.rootAt(size1), root);
        return a.ok && b.ok;
      });
  }
  const verified = (await Promise.all(samples.map((check) => check()))).every(Boolean);
  const inclusion = inclusionTimes.summary();
  const consistency = consistencyTimes.summary();
  for (const [what, t] of [
    [`inclusion proof at ${total.toLocaleString('en')}:  `, inclusion],
    [`consistency proof to ${total.toLocaleString('en')}:`, consistency],
  ] as const)
    console.log(
      `${what} p50 ${t.p50Ms} ms  p99 ${t.p99Ms} ms  max ${t.maxMs} ms (target p99 ≤ 1 ms; load average ${loadavg()[0]?.toFixed(1)})`,
    );
  console.log(`${samples.length} sampled proofs verified: ${verified}`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const out = join(infraPaths(loadInfraConfig().home).home, 'bench');
  mkdirSync(out, { recursive: true });
  const file = join(out, `trail-log-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const report = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    entries: total,
    meanEntryBytes: meanBytes,
    baseline: { sha256EntriesPerSecond: baselineRate },
    derivation: { entriesPerSecond: derivationRate, seconds: derivationMs / 1000 },
    endToEnd: { entriesPerSecond: endToEndRate },
    integration: {
      entriesPerSecond: integrationRate,
      seconds: integrationMs / 1000,
      batchSize,
      transactions: commits,
    },
    proofs: { count: proofCount, inclusion, consistency, sampledVerified: verified },
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`figures written to ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../platform/kafka.js';
import { Topics, topicName } from '../../schemas/topics.js';
import { type FaultSystem, startFaultSystem } from './support/fault-system.js';
import { recordCase } from './support/figures.js';
import {
  expectExactlyOnce,
  ingestOutcome,
  type LocalTaxExport,
  localTaxExport,
  spawnIngest,
} from './support/ingest.js';
import { endOffsetSum } from './support/topic-counts.js';

/**
 * The schema registry SIGKILLed around a municipality's ingest (`npm run ingest`, a process): down
 * before the run, the run fails with REGISTRY_UNAVAILABLE and publishes nothing; killed in the middle
 * of a run, the run fails the same way at its first schema not yet looked up, and so does a re-run
 * while it is down; back up, a re-run of the same command completes, and the topics and views hold
 * every row exactly once (nothing lost, nothing applied twice), the projector running throughout.
 */
const RESIDENTS = Number(process.env.FAULT_REGISTRY_RESIDENTS ?? 3_000);
let system: FaultSystem;
let input: LocalTaxExport;

beforeAll(async () => {
  system = await startFaultSystem('registry');
  input = await localTaxExport(system, 41, RESIDENTS);
  await system.start('projector');
});

afterAll(async () => {
  // The registry is the tier's: whatever happened here, the next file finds it running.
  await system?.registry.start();
  await system?.stop();
});

/** What a failed run must say, and must not: the code, the registry, what to do; no stack, no My Number. */
function expectClearRefusal(output: string, myNumbers: ReadonlySet<string>) {
  expect(output).toMatch(/ingest stopped: REGISTRY_UNAVAILABLE: /);
  expect(output).toContain(system.registry.url);
  expect(output).toMatch(/run the same command again/);
  expect(output).not.toMatch(/^\s+at /m);
  expect([...(output.match(/\d{12}/g) ?? [])].filter((n) => myNumbers.has(n))).toEqual([]);
}

describe('the schema registry down around an ingest', () => {
  it('fails the run with REGISTRY_UNAVAILABLE, and a re-run with the registry back publishes every row exactly once', async () => {
    const began = Date.now();
    const { config } = system;
    const { file, rows, expected } = input;
    const myNumbers = new Set(expected.rows.keys());
    const kafka = createKafka(config, system.logger, { principal: 'admin', clientId: 'fault-registry' });
    const itemsTopic = topicName(config.TOPIC_PREFIX, Topics.informationItems);
    const written = async () => {
      let n = 0;
      for (const ref of [
        Topics.informationItems,
        Topics.deadLetters,
        Topics.identityEnrolments,
        Topics.ingestRuns,
      ])
        n += await endOffsetSum(kafka, topicName(config.TOPIC_PREFIX, ref));
      return n;
    };

    // 1. Down before the run: refused at the first lookup, nothing published.
    await system.registry.kill();
    const refused = await spawnIngest(system, file).done;
    expect(refused.code).toBe(1);
    expectClearRefusal(refused.output, myNumbers);
    const byRefusedRun = await written();
    expect(byRefusedRun).toBe(0);

    // 2. Back up; killed once a few batches are on the topic: the run fails at its next new schema.
    const firstRestartMs = await system.registry.start();
    const run = spawnIngest(system, file);
    while ((await endOffsetSum(kafka, itemsTopic)) < 1_000 && run.child.exitCode === null) await sleep(100);
    expect(run.child.exitCode).toBe(null);
    await system.registry.kill();
    const killedAt = await endOffsetSum(kafka, itemsTopic);
    const interrupted = await run.done;
    expect(interrupted.code).toBe(1);
    expectClearRefusal(interrupted.output, myNumbers);
    const afterInterrupted = await written();

    // 3. A re-run while it is still down fails the same way and adds nothing.
    const early = await spawnIngest(system, file).done;
    expect(early.code).toBe(1);
    expectClearRefusal(early.output, myNumbers);
    const byEarlyRerun = (await written()) - afterInterrupted;
    expect(byEarlyRerun).toBe(0);

    // 4. Back up: the same command completes, resuming after the last acknowledged batch.
    const restartMs = await system.registry.start();
    const rerun = await spawnIngest(system, file).done;
    expect(rerun.output).not.toMatch(/ingest stopped/);
    expect(rerun.code).toBe(0);
    const summary = /read (\d+), published (\d+), rejected (\d+), skipped (\d+)/.exec(rerun.output);
    const [read, published, rejected, skipped] = summary?.slice(1).map(Number) ?? [];
    expect((read ?? 0) + (skipped ?? 0)).toBe(rows);

    // Topics, projector (running throughout) and views: every row exactly once; one run summary.
    const outcome = await ingestOutcome(system, kafka, input);
    expectExactlyOnce(outcome, input);
    expect(outcome.runs.records).toBe(1);

    recordCase({
      id: 'registry-down',
      test: 'tests/fault/registry-down.fault.test.ts',
      faults: [
        'schema registry SIGKILLed before an ingest (npm run ingest, a process), started again',
        `schema registry SIGKILLed during an ingest at ${killedAt} of ${rows} rows; a re-run while it was down; started again, re-run`,
      ],
      cases: rows,
      broken: { ...outcome.broken, publishedByRunsStartedWhileDown: byRefusedRun + byEarlyRerun },
      figures: {
        failedRuns: 3,
        rowsOnTopicAtKill: killedAt,
        rowsResumedAfter: skipped ?? 0,
        rerunPublished: published ?? 0,
        rerunRejected: rejected ?? 0,
        registryRestartSeconds: Number((Math.max(firstRestartMs, restartMs) / 1000).toFixed(1)),
        historyEntries: outcome.historyEntries,
      },
      seconds: (Date.now() - began) / 1000,
    });
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStore } from '../../platform/event-store.js';
import { createKafka } from '../../platform/kafka.js';
import { ROWS } from '../../platform/view.js';
import { projectionStoreRoot, readProjectionSettings, VIEWS } from '../../projections/catalogue.js';
import { currentGeneration } from '../../projections/generations.js';
import { replayView } from '../../projections/replay.js';
import { openStoreAt } from '../../projections/store.js';
import { comparable } from '../../projections/testing/kafka.js';
import { type CliResult, type FaultSystem, startFaultSystem } from './support/fault-system.js';
import { recordCase } from './support/figures.js';
import {
  type LocalTaxExport,
  localTaxExport,
  untilItemsProjected,
  viewsAgainstInput,
} from './support/ingest.js';
import { scrapeMetric } from './support/topic-counts.js';

/**
 * The projector's store runs out of space: the projector runs as `npm start` runs it, but under a
 * file-size limit (RLIMIT_FSIZE through `prlimit`, unprivileged; lmdb reports it as it reports a full
 * disk: a short write, EIO — measured on a full tmpfs too), while a municipality ingests a local-tax
 * export. It must stop cleanly: exit 1, STORE_FULL naming the store and what to do, no half-applied
 * batch (the stored offset and the rows agree). Space back (started as a service, without the limit),
 * it resumes after its last stored batch; the view ends identical to a clean rebuild and to the file.
 */
const RESIDENTS = Number(process.env.FAULT_DISK_RESIDENTS ?? 3_000);
const LIMIT_BYTES = Number(process.env.FAULT_DISK_LIMIT_BYTES ?? 2 * 1024 * 1024);
const VIEW = 'information-items';
let system: FaultSystem;
let input: LocalTaxExport;
let storeRoot: string;
/** Ends the projector run under the limit if a failed expectation left it running. */
const limitedRun = new AbortController();

beforeAll(async () => {
  const prlimit = spawnSync('prlimit', ['--version']);
  if (prlimit.error)
    throw new Error('this test needs prlimit (util-linux) to limit the projector’s file size');
  system = await startFaultSystem('disk');
  input = await localTaxExport(system, 53, RESIDENTS);
  storeRoot = projectionStoreRoot(system.config, readProjectionSettings({}));
});

afterAll(async () => {
  limitedRun.abort();
  await system?.stop();
});

/** The view's current generation as it is on disk: its tables, its stored offsets and history entries. */
async function storedView() {
  const generation = currentGeneration(storeRoot, VIEW) as string;
  const store = openStoreAt(generation, { readOnly: true });
  try {
    const dump = store.dump();
    const offsets = [...store.offsets().values()].reduce((n, o) => n + Number(o), 0);
    const rows = (dump[ROWS] ?? []).map(([, row]) => row as { history: unknown[] });
    const history = rows.reduce((n, row) => n + row.history.length, 0);
    return { generation, dump, offsets, history, bytes: statSync(join(generation, 'data.mdb')).size };
  } finally {
    await store.close();
  }
}

describe("the projector's store runs out of space", () => {
  it('stops with STORE_FULL, nothing half-applied; with space back it resumes and ends as a clean rebuild', async () => {
    const began = Date.now();
    const { config } = system;
    const { file, rows, expected } = input;
    const kafka = createKafka(config, system.logger, { principal: 'admin', clientId: 'fault-disk' });

    // The projector under the limit, and an ingest while it runs.
    let stopped: CliResult | undefined;
    const limited = system
      .cli(
        'projections/cli.ts',
        ['run'],
        { LOG_LEVEL: 'info' },
        { fileSizeLimitBytes: LIMIT_BYTES, signal: limitedRun.signal },
      )
      .then((result) => {
        stopped = result;
        return result;
      });
    limited.catch(() => undefined); // aborted by afterAll when an expectation failed first
    const ingest = await system.cli('producers/cli.ts', ['--system', 'local-tax', file]);
    expect(ingest.code).toBe(0);
    for (let waited = 0; waited < 300_000 && stopped === undefined; waited += 500) await sleep(500);
    expect(stopped, `the projector did not stop within 300 s (limit ${LIMIT_BYTES} bytes)`).toBeDefined();
    const { code, stderr } = await limited;
    expect(code).toBe(1);
    expect(stderr).toMatch(/projector stopped: STORE_FULL: projection store \S+information-items\S* /);
    expect(stderr).toMatch(/Free space there and start the projector again/);
    expect(stderr).not.toMatch(/^\s+at /m);
    const quoted = [...(stderr.match(/\d{12}/g) ?? [])].filter((n) => expected.rows.has(n));
    expect(quoted).toEqual([]);

    // Nothing half-applied: every stored offset has its history entry, none beyond (one per event).
    const atStop = await storedView();
    expect(atStop.offsets).toBeGreaterThan(0);
    expect(atStop.offsets).toBeLessThan(expected.valid);
    expect(atStop.history).toBe(atStop.offsets);
    expect(atStop.bytes).toBeLessThanOrEqual(LIMIT_BYTES);

    // Space back: the projector as a service, without the limit, resumes after its last stored batch.
    const restarted = Date.now();
    await system.start('projector');
    await untilItemsProjected(system, kafka);
    const resumeMs = Date.now() - restarted;
    const metrics = `http://127.0.0.1:${system.projectorMetricsPort}/metrics`;
    const label = `projection="${VIEW}"`;
    const applied = (await scrapeMetric(metrics, 'tsunagi_projection_events_applied_total', label)) ?? 0;
    const duplicates = (await scrapeMetric(metrics, 'tsunagi_projection_duplicates_total', label)) ?? 0;
    expect(applied).toBe(expected.valid - atStop.offsets);
    expect(duplicates).toBe(0);
    const live = await storedView();
    expect(live.history).toBe(expected.valid);

    // Identical to a clean rebuild from offset zero, and to the file.
    const store = openEventStore(config, system.logger, {
      principal: 'projector',
      clientId: 'fault-rebuild',
    });
    const rebuildRoot = mkdtempSync(join(config.home, 'rebuild-'));
    try {
      await replayView({ view: VIEWS[VIEW], store, storeRoot: rebuildRoot, logger: system.logger });
    } finally {
      await store.close();
    }
    const rebuilt = openStoreAt(currentGeneration(rebuildRoot, VIEW) as string, { readOnly: true });
    const rebuiltDump = rebuilt.dump();
    await rebuilt.close();
    const identical = comparable(live.dump) === comparable(rebuiltDump);
    expect(identical).toBe(true);
    const { mismatches, historyEntries } = await viewsAgainstInput(system, expected);
    expect(mismatches.slice(0, 5)).toEqual([]);

    recordCase({
      id: 'projector-disk-full',
      test: 'tests/fault/projector-disk-full.fault.test.ts',
      faults: [
        `the projector's store limited to ${LIMIT_BYTES} bytes a file (RLIMIT_FSIZE) during an ingest of ${rows} rows; restarted without the limit`,
      ],
      cases: expected.valid,
      broken: {
        halfAppliedBatch: Math.abs(atStop.history - atStop.offsets),
        eventsLost: expected.valid - live.history,
        duplicatesApplied: atStop.offsets + applied - expected.valid,
        differencesFromRebuild: identical ? 0 : 1,
        viewMismatches: mismatches.length,
      },
      figures: {
        exitCode: code ?? -1,
        eventsStoredAtStop: atStop.offsets,
        storeBytesAtStop: atStop.bytes,
        storeBytesAtEnd: live.bytes,
        appliedAfterRestart: applied,
        resumeSeconds: Number((resumeMs / 1000).toFixed(1)),
        historyEntries,
      },
      seconds: (Date.now() - began) / 1000,
    });
  });
});

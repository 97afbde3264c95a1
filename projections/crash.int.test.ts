import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../platform/event-store.js';
import { ROWS } from '../platform/view.js';
import type { TsunagiEvent } from '../schemas/events.js';
import { anEvent } from '../schemas/testing/events.js';
import { Topics } from '../schemas/topics.js';
import { testConfig, testKafka, testLogger, testStore, uniqueName } from '../tests/support/infra.js';
import { VIEWS } from './catalogue.js';
import { currentGeneration } from './generations.js';
import { replayView } from './replay.js';
import { openStoreAt } from './store.js';
import {
  comparable,
  createViewTopics,
  endOffsets,
  produceEvents,
  reached,
  storedOffsets,
  waitUntil,
} from './testing/kafka.js';

const config = testConfig();
const kafka = testKafka(config);
const EVENTS = 20_000;

const itemPublished = (linkageId: string, provider: string, sequence: number, municipalTax: bigint) =>
  anEvent('InformationItemPublished', {
    data: {
      linkageId,
      provider,
      sequence,
      payload: { fiscalYear: 2024, taxableIncome: 1n, municipalTax, prefecturalTax: 1n },
    },
  });
const careLevelPublished = (linkageId: string, provider: string, sequence: number) =>
  anEvent('InformationItemPublished', {
    data: {
      linkageId,
      provider,
      sequence,
      itemKind: 'CARE_LEVEL',
      payload: { level: 'CARE_2', certifiedOn: '2024-05-01', validUntil: '2026-04-30' },
    },
  });
const itemWithdrawn = (linkageId: string, provider: string, sequence: number) =>
  anEvent('InformationItemWithdrawn', {
    data: { linkageId, provider, sequence, itemKind: 'LOCAL_TAX_INCOME' },
  });

/** 1000 residents × 2 providers × 10 sequence numbers: publications, some withdrawals. */
function largeStream(): TsunagiEvent[] {
  const events: TsunagiEvent[] = [];
  for (let seq = 1; seq <= 10; seq++) {
    for (let r = 0; r < 1000; r++) {
      const id = `lk_crash_${String(r).padStart(5, '0')}`;
      for (const provider of ['131016', '271004']) {
        if (seq === 10 && r % 7 === 0) events.push(itemWithdrawn(id, provider, seq));
        else if (seq % 3 === 0) events.push(careLevelPublished(id, provider, seq));
        else events.push(itemPublished(id, provider, seq, BigInt(seq * 1000 + r)));
      }
    }
  }
  return events;
}

const sum = (offsets: ReadonlyMap<string, string>) =>
  [...offsets.values()].reduce((n, o) => n + Number(o), 0);

describe('a projector killed with SIGKILL mid-batch', () => {
  let admin: Admin;
  let topics: string[];
  let store: EventStore;
  let prefix: string;
  const roots: string[] = [];
  const temp = (name: string) => {
    const root = mkdtempSync(join(tmpdir(), `tsunagi-${name}-`));
    roots.push(root);
    return root;
  };

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    prefix = `${uniqueName('projection-crash')}.`;
    topics = await createViewTopics(admin, prefix);
    store = testStore({ ...config, TOPIC_PREFIX: prefix });
    await produceEvents(store, largeStream());
  });
  afterAll(async () => {
    await store?.close();
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  const startProjector = (root: string, fetchMaxBytes: number): ChildProcess =>
    spawn(
      process.execPath,
      ['--import', 'tsx', 'projections/cli.ts', 'run', '--only', 'information-items', '--store', root],
      {
        cwd: join(import.meta.dirname, '..'),
        env: {
          ...process.env,
          TOPIC_PREFIX: prefix,
          PROJECTION_FETCH_MAX_BYTES: String(fetchMaxBytes),
          PROJECTION_METRICS_PORT: '0',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  const exited = (child: ChildProcess) =>
    new Promise<number | string | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? signal)),
    );

  it('ends with views identical to a clean rebuild', async () => {
    const root = temp('crash-live');
    const ends = await endOffsets(store, [Topics.informationItems]);
    expect(sum(ends)).toBe(EVENTS);
    const killedAt: number[] = [];
    for (const fetchMaxBytes of [1_048_576, 16_384, 16_384]) {
      const child = startProjector(root, fetchMaxBytes);
      const before = sum(await storedOffsets(root, 'information-items'));
      await waitUntil(
        async () => sum(await storedOffsets(root, 'information-items')) > before,
        60_000,
        'progress',
      );
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 150));
      child.kill('SIGKILL');
      expect(await exited(child)).toBe('SIGKILL');
      killedAt.push(sum(await storedOffsets(root, 'information-items')));
    }
    expect(killedAt[0]).toBeLessThan(EVENTS); // the first kill hit a run that had not finished

    const started = performance.now();
    const last = startProjector(root, 1_048_576);
    await waitUntil(
      async () => reached(await storedOffsets(root, 'information-items'), ends),
      120_000,
      'catch-up',
    );
    const catchUpMs = performance.now() - started;
    last.kill('SIGTERM');
    expect(await exited(last)).toBe(0);

    const view = VIEWS['information-items'];
    const rebuildRoot = temp('crash-rebuild');
    const replay = await replayView({ view, store, storeRoot: rebuildRoot, logger: testLogger() });
    const dump = async (storeRoot: string) => {
      const opened = openStoreAt(currentGeneration(storeRoot, view.name) as string, { readOnly: true });
      const all = opened.dump();
      await opened.close();
      return all;
    };
    const [live, rebuilt] = [await dump(root), await dump(rebuildRoot)];
    // One row per resident, provider and item kind (2 kinds); each holds its latest item and its history.
    const rows = (live[ROWS] ?? []).map(([, row]) => row as { latest: unknown; history: unknown[] });
    expect(rows.length).toBe(4000);
    expect(rows.filter((row) => row.latest !== null).length).toBe(4000 - 2 * 143); // 143 withdrew tax at seq 10
    expect(rows.reduce((n, row) => n + row.history.length, 0)).toBe(EVENTS);
    expect(comparable(live)).toBe(comparable(rebuilt));
    console.log(
      `projection figures: killed at ${killedAt.join(', ')} of ${EVENTS}; ` +
        `resume to end ${EVENTS - (killedAt.at(-1) ?? 0)} events in ${Math.round(catchUpMs)} ms (incl. process start); ` +
        `replay ${replay.records} events in ${Math.round(replay.elapsedMs)} ms = ${Math.round(replay.records / (replay.elapsedMs / 1000))} events/s`,
    );
  });
});

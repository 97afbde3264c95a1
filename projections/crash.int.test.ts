import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventWire } from '../platform/event-wire.js';
import type { TsunagiEvent } from '../schemas/events.js';
import { testConfig, testKafka, testLogger, uniqueName } from '../tests/support/infra.js';
import { type ProjectionTopics, projectionsFor } from './catalogue.js';
import { currentGeneration } from './generations.js';
import { endOffsets, replayProjection } from './replay.js';
import { openStoreAt } from './store.js';
import { careLevelPublished, itemPublished, itemWithdrawn } from './testing/events.js';
import {
  comparable,
  createProjectionTopics,
  produceEvents,
  reached,
  storedOffsets,
  waitUntil,
} from './testing/kafka.js';

const config = testConfig();
const kafka = testKafka(config);
const wire = createEventWire(config);
const EVENTS = 20_000;

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
  let topics: ProjectionTopics;
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
    topics = await createProjectionTopics(admin, prefix);
    await produceEvents(kafka, wire, topics.informationItems, largeStream());
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
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
    const ends = await endOffsets(kafka, [topics.informationItems]);
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

    const projection = projectionsFor(topics)['information-items'];
    const rebuildRoot = temp('crash-rebuild');
    const replay = await replayProjection({
      projection,
      kafka,
      storeRoot: rebuildRoot,
      wire,
      logger: testLogger(),
    });
    const dump = async (storeRoot: string) => {
      const store = openStoreAt(currentGeneration(storeRoot, projection.name) as string, {
        tables: projection.tables,
        readOnly: true,
      });
      const all = store.dump();
      await store.close();
      return all;
    };
    const [live, rebuilt] = [await dump(root), await dump(rebuildRoot)];
    expect(live.items?.length).toBe(4000 - 2 * 143); // 2 kinds per resident and provider; 143 withdrew tax at seq 10
    expect(live['item-history']?.length).toBe(EVENTS);
    expect(comparable(live)).toBe(comparable(rebuilt));
    console.log(
      `projection figures: killed at ${killedAt.join(', ')} of ${EVENTS}; ` +
        `resume to end ${EVENTS - (killedAt.at(-1) ?? 0)} events in ${Math.round(catchUpMs)} ms (incl. process start); ` +
        `replay ${replay.records} events in ${Math.round(replay.elapsedMs)} ms = ${Math.round(replay.records / (replay.elapsedMs / 1000))} events/s`,
    );
  });
});

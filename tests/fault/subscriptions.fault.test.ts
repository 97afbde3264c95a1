import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agencyTopic } from '../../consumers/notification-publisher.js';
import { createKafka } from '../../platform/kafka.js';
import { BUNDLED_SUBSCRIPTIONS_PATH, loadSubscriptionsFile } from '../../policy/subscriptions.js';
import { generateExports } from '../../producers/synthetic/generate.js';
import { projectionStoreRoot, readProjectionSettings } from '../../projections/catalogue.js';
import { openProjectionViews } from '../../projections/views.js';
import { REPOSITORY } from './support/fault-env.js';
import { type FaultSystem, startFaultSystem } from './support/fault-system.js';
import { recordCase } from './support/figures.js';
import { countTopic } from './support/topic-counts.js';
import { readTrail, trailTopic } from './support/trail.js';

/**
 * The subscription service SIGKILLed in the middle of a stream of resident-record changes and
 * started again as `npm start` would, while jps runs its own consumer (`consumers/agency-consumer.ts
 * --out`, itself SIGKILLed and restarted once): every notification reaches its agency at least once,
 * the agency's store holds each once (re-sent and re-read ones dropped by event id), and every
 * notification's trail record was in the trail before the agency had the notification.
 */
const RESIDENTS = Number(process.env.FAULT_SUBSCRIPTION_RESIDENTS ?? 1_000);
let system: FaultSystem;

beforeAll(async () => {
  system = await startFaultSystem('subscriptions');
  await system.start('projector', 'subscriptions');
});

/** The agency consumers this file started: none outlives it, also when an expectation failed. */
const agencies = new Set<ChildProcess>();

afterAll(async () => {
  for (const child of agencies)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await system?.stop();
});

/** Event ids in the agency's JSON-lines store, in the order it wrote them. */
const storeIds = (file: string): string[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => (JSON.parse(line) as { envelope: { eventId: string } }).envelope.eventId)
    : [];

describe('the subscription service SIGKILLed mid-stream', () => {
  it('delivers every notification at least once, each after its trail record; the agency drops the repeats', async () => {
    const started = Date.now();
    const from = new Date();
    const { config } = system;
    const admin = createKafka(config, system.logger, { principal: 'admin', clientId: 'fault-subscriptions' });
    const outDir = join(config.home, 'exports');
    const manifest = await generateExports({ seed: 23, residents: RESIDENTS, outDir, format: 'csv' });
    const changes = manifest.files.juki.rows;
    const ingest = await system.cli('producers/cli.ts', [
      '--system',
      'juki',
      join(outDir, manifest.files.juki.file),
    ]);
    expect(ingest.code).toBe(0);

    // jps's own consumer, as the agency runs it, once its topic exists (made on the first notification).
    const store = join(config.home, 'jps.jsonl');
    const group = `agency.jps.fault-${randomUUID()}`;
    const jps = (): ChildProcess => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'consumers/agency-consumer.ts',
          '--agency',
          'jps',
          '--from-beginning',
          '--out',
          store,
          '--group',
          group,
        ],
        { cwd: REPOSITORY, env: { ...process.env, ...system.env, LOG_LEVEL: 'warn' }, stdio: 'ignore' },
      );
      agencies.add(child);
      return child;
    };
    const inventory = admin.admin();
    await inventory.connect();
    for (let waited = 0; waited < 300_000; waited += 250) {
      if ((await inventory.listTopics()).includes(agencyTopic(config.TOPIC_PREFIX, 'jps'))) break;
      await sleep(250);
    }
    let agency = jps();

    // The trail's end, read after the agency stored a notification: its record must lie below it.
    const trailEndAtReceipt = new Map<string, bigint>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const ids = storeIds(store).filter((id) => !trailEndAtReceipt.has(id));
        if (ids.length > 0) {
          const [end] = await inventory.fetchTopicOffsets(trailTopic(system));
          for (const id of ids) trailEndAtReceipt.set(id, BigInt(end?.high ?? '0'));
        }
        await sleep(200);
      }
    })();
    const stored = () => new Set(storeIds(store)).size;

    // Killed inside a round: its trail records are written and its notifications are being published,
    // its offsets not yet committed, so the restarted service delivers the round again (repeats).
    const jpsTopicName = agencyTopic(config.TOPIC_PREFIX, 'jps');
    // A topic just made may not be in every broker's metadata yet: asked again on the next turn.
    const onJpsTopic = async () =>
      (await inventory.fetchTopicOffsets(jpsTopicName).catch(() => [])).reduce(
        (n, o) => n + Number(o.high),
        0,
      );
    for (let waited = 0; waited < 300_000 && (await onJpsTopic()) === 0; waited += 50) await sleep(50);
    await system.kill('subscriptions');
    const deliveredAtKill = await onJpsTopic();
    const [trailAtKill] = await inventory.fetchTopicOffsets(trailTopic(system));
    const restarted = Date.now();
    await system.start('subscriptions');
    const restartMs = Date.now() - restarted;
    for (let waited = 0; waited < 300_000 && stored() < (changes * 2) / 3; waited += 250) await sleep(250);
    agency.kill('SIGKILL');
    await new Promise((resolve) => agency.once('exit', resolve));
    agency = jps();
    for (let waited = 0; waited < 300_000 && stored() < changes; waited += 500) await sleep(500);
    await sleep(5_000); // a late re-send still arrives and is dropped
    agency.kill('SIGTERM');
    await new Promise((resolve) => agency.once('exit', resolve));
    watching = false;
    await watcher;
    const existing = new Set(await inventory.listTopics());
    await inventory.disconnect();

    const trail = await readTrail(system);
    const recordedAt = new Map<string, bigint>();
    for (const row of trail.values())
      if (row.channel === 'SUBSCRIPTION' && !recordedAt.has(row.eventId))
        recordedAt.set(row.eventId, BigInt(row.offset));
    const recordOf = (notificationId: string) => recordedAt.get(`dr-${notificationId.slice(3)}`);
    const { subscriptions } = await loadSubscriptionsFile(BUNDLED_SUBSCRIPTIONS_PATH);
    const delivered = new Set<string>();
    let deliveredRecords = 0;
    let jpsTopic = { records: 0, distinct: 0, repeats: 0 };
    for (const id of new Set(subscriptions.map((s) => s.agencyId))) {
      const topic = agencyTopic(config.TOPIC_PREFIX, id);
      if (!existing.has(topic)) continue; // no notification for this agency (its topic is made on the first)
      const count = await countTopic(admin, topic);
      deliveredRecords += count.records;
      for (const eventId of count.ids) delivered.add(eventId);
      if (id === 'jps') jpsTopic = count;
    }
    const kept = storeIds(store);
    const withoutRecord = [...delivered].filter((id) => recordOf(id) === undefined);
    const recordedAfterReceipt = kept.filter((id) => {
      const offset = recordOf(id);
      const end = trailEndAtReceipt.get(id);
      return offset === undefined || end === undefined || offset >= end;
    });
    const undelivered = [...recordedAt.keys()].filter((id) => !delivered.has(`an-${id.slice(3)}`));

    expect(deliveredAtKill).toBeLessThan(changes);
    expect(new Set(kept).size).toBe(changes); // jps hears of every record change (LB-0002, national)
    expect(kept.length).toBe(changes); // each once in the agency's store: re-sent and re-read ones dropped
    expect(jpsTopic.distinct).toBe(changes);
    expect(withoutRecord).toEqual([]);
    expect(recordedAfterReceipt).toEqual([]);
    expect(undelivered).toEqual([]);

    // The residents' history holds each of these disclosures once (reconciliation, no answers audit).
    const views = openProjectionViews({ storeRoot: projectionStoreRoot(config, readProjectionSettings({})) });
    try {
      for (let waited = 0; waited < 120_000; waited += 500) {
        const at = BigInt(views.positions('access-trail').get(`${trailTopic(system)}/0`) ?? '0');
        if (at >= BigInt(trail.size)) break;
        await sleep(500);
      }
    } finally {
      await views.close();
    }
    const run = await system.cli('trail/reconcile-cli.ts', ['--from', from.toISOString(), '--json']);
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(run.code).toBe(0);
    expect(report.ok).toBe(true);
    const repeats = (report.differences ?? []).find((d: { kind: string }) => d.kind === 'TRAIL_REPEATS');

    recordCase({
      id: 'subscriptions-kill',
      test: 'tests/fault/subscriptions.fault.test.ts',
      faults: [
        `SIGKILL of the subscription service inside a round (${deliveredAtKill} of ${changes} jps notifications on its topic, ${trailAtKill?.high ?? 0} trail records), started again at once`,
        'SIGKILL of the agency consumer (jps) after two thirds, started again from its store',
      ],
      cases: delivered.size,
      broken: {
        notificationsLost: changes - new Set(kept).size + undelivered.length,
        keptTwiceByTheAgency: kept.length - new Set(kept).size,
        deliveredWithoutRecord: withoutRecord.length,
        recordedAfterTheAgencyHadIt: recordedAfterReceipt.length,
        historyDifferences: (report.differences ?? []).filter(
          (d: { kind: string }) => d.kind !== 'TRAIL_REPEATS',
        ).length,
      },
      figures: {
        notificationsAllAgencies: delivered.size,
        notificationRecordsOnTopics: deliveredRecords,
        jpsOnTopicAtKill: deliveredAtKill,
        resentToJps: jpsTopic.repeats,
        trailRecordsRepeated: repeats?.count ?? 0,
        serviceRestartSeconds: Number((restartMs / 1000).toFixed(1)),
      },
      seconds: (Date.now() - started) / 1000,
    });
  });
});

import { join } from 'node:path';
import { openEventStore } from '../platform/event-store.js';
import { createEventWire } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import { EXPORT_SYSTEMS } from '../producers/exports/systems.js';
import { openProducerHub } from '../producers/hub-wiring.js';
import { ingestExport } from '../producers/ingest.js';
import { generateExports } from '../producers/synthetic/generate.js';
import { PROJECTION_NAMES, VIEWS } from '../projections/catalogue.js';
import { replayView } from '../projections/replay.js';
import { topicName } from '../schemas/topics.js';
import { testDisclosure } from '../trail/log/testdata/disclosures.js';
import { ingestDeps } from './harness/ingest-deps.js';
import { benchMain } from './harness/main.js';
import { profileSelf } from './harness/profile-self.js';
import { rawConsume } from './harness/raw-kafka.js';
import { type BenchFigure, baseVersions } from './harness/report.js';
import { perSecond, ratio } from './harness/stats.js';
import { openBenchSystem, peakRssMiBOf } from './harness/system.js';

/**
 * B3 replay: every view rebuilt from offset zero into a fresh generation, as
 * `projections/cli.ts replay VIEW` does (in this process, as that command runs it), against raw
 * kafkajs consumption of the same topics in the same run (bytes only, and with Avro decode).
 * Data: synthetic exports ingested through the producers, plus trail records appended as the gateway.
 *   npm run bench -- b3   ·   npx tsx bench/b3-replay.ts [--residents 100000] [--trail 200000]
 */
benchMain(
  {
    benchmark: 'b3',
    title: 'replay: every view rebuilt from offset zero',
    options: { residents: { default: '100000' }, trail: { default: '200000' } },
  },
  async ({ quick, profile, logger, stage, options }) => {
    const residents = quick ? 200 : Number(options.residents);
    const trailRecords = quick ? 500 : Number(options.trail);
    const system = await openBenchSystem('b3', logger);
    try {
      const { config } = system;
      const wire = createEventWire(config);
      stage(
        `loading: exports of ${residents.toLocaleString('en')} residents, ${trailRecords.toLocaleString('en')} trail records`,
      );
      const dir = join(config.home, 'exports');
      const manifest = await generateExports({ seed: 1, residents, outDir: dir, format: 'csv' });
      const hub = await openProducerHub(config, logger);
      try {
        for (const s of EXPORT_SYSTEMS)
          await ingestExport(join(dir, manifest.files[s].file), s, ingestDeps(hub, logger), {
            batchSize: 1000,
          });
      } finally {
        await hub.close();
      }
      const gateway = openEventStore(config, logger, { principal: 'gateway' });
      for (let from = 0; from < trailRecords; from += 1000) {
        await gateway.append(
          Array.from({ length: Math.min(1000, trailRecords - from) }, (_, i) => {
            const event = testDisclosure(from + i);
            const linkageId = `lnk_bench_${(from + i) % 20_000}`;
            return { ...event, data: { ...event.data, linkageId } };
          }),
        );
      }
      await gateway.close();

      const projector = openEventStore(config, logger, {
        principal: 'projector',
        clientId: 'tsunagi-projections',
      });
      const admin = createKafka(config, logger, { principal: 'admin' });
      const storeRoot = join(config.home, 'replay');
      const figures: BenchFigure[] = [];
      const totals = { records: 0, replayMs: 0, rawMs: 0, decodeMs: 0, replayCpu: 0, rawCpu: 0 };
      const cpuOf = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
        const before = process.cpuUsage();
        const result = await work();
        const used = process.cpuUsage(before);
        return [result, (used.user + used.system) / 1e6];
      };
      for (const name of PROJECTION_NAMES) {
        const view = VIEWS[name];
        const topics = view.topics.map((ref) => topicName(config.TOPIC_PREFIX, ref));
        stage(`${name}: raw consume, raw consume + decode, replay`);
        const [raw, rawCpu] = await cpuOf(() => rawConsume(admin, topics));
        if (raw.records === 0) continue;
        const decoded = await rawConsume(admin, topics, { decode: wire });
        const [replay, replayCpu] = await cpuOf(() =>
          replayView({ view, store: projector, storeRoot, logger, promote: false }),
        );
        totals.rawCpu += rawCpu;
        totals.replayCpu += replayCpu;
        totals.records += replay.records;
        totals.replayMs += replay.elapsedMs;
        totals.rawMs += raw.ms;
        totals.decodeMs += decoded.ms;
        const rawRate = perSecond(raw.records, raw.ms);
        const replayRate = perSecond(replay.records, replay.elapsedMs);
        figures.push(
          {
            path: `${name}: raw consume`,
            value: rawRate,
            unit: 'events/s',
            note: `${raw.records.toLocaleString('en')} records`,
          },
          {
            path: `${name}: raw consume + Avro decode`,
            value: perSecond(decoded.records, decoded.ms),
            unit: 'events/s',
          },
          {
            path: `${name}: replay`,
            value: replayRate,
            unit: 'events/s',
            baseline: `${name}: raw consume`,
            ratio: ratio(replayRate, rawRate),
          },
        );
      }
      const rawAll = perSecond(totals.records, totals.rawMs);
      const replayAll = perSecond(totals.records, totals.replayMs);
      const perCpu = (cpuSeconds: number) => Math.round(totals.records / Math.max(cpuSeconds, 0.001));
      figures.push(
        { path: 'all views: raw consume', value: rawAll, unit: 'events/s' },
        { path: 'all views: raw consume per CPU-second', value: perCpu(totals.rawCpu), unit: 'events/CPU-s' },
        {
          path: 'all views: replay per CPU-second',
          value: perCpu(totals.replayCpu),
          unit: 'events/CPU-s',
          baseline: 'all views: raw consume per CPU-second',
          ratio: ratio(perCpu(totals.replayCpu), perCpu(totals.rawCpu)),
          note: 'CPU of the replaying process only (the broker runs beside it); robust to a shared machine',
        },
        {
          path: 'all views: raw consume + Avro decode',
          value: perSecond(totals.records, totals.decodeMs),
          unit: 'events/s',
        },
        {
          path: 'all views: replay',
          value: replayAll,
          unit: 'events/s',
          baseline: 'all views: raw consume',
          ratio: ratio(replayAll, rawAll),
          target: '≥ 0.5 × raw consume and ≥ 100,000 events/s',
        },
      );
      const profiles = profile
        ? [
            await profileSelf(system.profileDir, 'replay-information-items', () =>
              replayView({
                view: VIEWS['information-items'],
                store: projector,
                storeRoot,
                logger,
                promote: false,
              }),
            ),
          ]
        : [];
      await projector.close();
      return {
        versions: baseVersions(),
        settings: {
          residents,
          trailRecords,
          events: totals.records,
          replay: 'in-process, fresh lmdb generation per view, not promoted; one view after another',
          consumer:
            'kafkajs defaults as the projector: 1 MiB per partition, partitionsConsumedConcurrently 1',
        },
        figures,
        peakRssMiB: { 'bench (replay)': peakRssMiBOf(process.pid) ?? 0 },
        profiles,
      };
    } finally {
      await system.close();
    }
  },
);

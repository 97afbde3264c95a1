import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafka } from '../platform/kafka.js';
import { parseRow } from '../producers/exports/parse-row.js';
import { readExport } from '../producers/exports/read-export.js';
import { EXPORT_SYSTEMS, type ExportSystem } from '../producers/exports/systems.js';
import { openProducerHub, type ProducerHub } from '../producers/hub-wiring.js';
import { type IngestDeps, ingestExport } from '../producers/ingest.js';
import { generateExports } from '../producers/synthetic/generate.js';
import { projectionStoreRoot, readProjectionSettings } from '../projections/catalogue.js';
import { openProjectionViews, type ProjectionViews } from '../projections/views.js';
import { Topics, topicName } from '../schemas/topics.js';
import { pacedExport } from './b2/paced-export.js';
import { ingestDeps } from './harness/ingest-deps.js';
import { benchMain } from './harness/main.js';
import { profileSelf } from './harness/profile-self.js';
import type { ProfileSummary } from './harness/profile-summary.js';
import { rawConsume, rawProduceConsume } from './harness/raw-kafka.js';
import { type BenchFigure, baseVersions } from './harness/report.js';
import { latencySummary, perSecond, ratio } from './harness/stats.js';
import { cpuSecondsOf, openBenchSystem, peakRssMiBOf } from './harness/system.js';
import { viewsCaughtUp } from './harness/views-caught-up.js';

/**
 * B2 export → queryable view: synthetic exports of all five core systems (≈ 7 rows per resident;
 * 140,000 residents ≈ 1 M rows) ingested as `npm run ingest` does (validation, My Number → linkage id,
 * Avro, idempotent acks=all producer), until the projector (its own process, as `npm start` runs it)
 * has committed every record to the resident-record and information-item views. Then the same path at
 * a fixed offered rate (rows written into a named pipe on schedule) with sampled end-to-end latency.
 * Baselines in the same run: parse+validate only; raw kafkajs produce+consume of the same payload sizes.
 *   npm run bench -- b2   ·   npx tsx bench/b2-export.ts [--residents 140000] [--rate 5000] [--rate-seconds 20]
 */
benchMain(
  {
    benchmark: 'b2',
    title: 'export file → queryable views (resident records, information items)',
    options: {
      residents: { default: '140000' },
      batch: { default: '500' },
      rate: { default: '5000' },
      'rate-seconds': { default: '20' },
      'rate-batch': { default: '100' },
    },
  },
  async ({ quick, profile, logger, stage, options }) => {
    const residents = quick ? 200 : Number(options.residents);
    const batchSize = Number(options.batch);
    const rate = quick ? 500 : Number(options.rate);
    const rateSeconds = quick ? 2 : Number(options['rate-seconds']);
    const system = await openBenchSystem('b2', logger);
    try {
      const { config } = system;
      await system.start(['projector'], { PROJECTION_METRICS_PORT: '0' });
      stage(`generating synthetic exports of ${residents.toLocaleString('en')} residents`);
      const exports = await exportsOf(join(config.home, 'exports'), 1, residents);
      const totalRows = exports.reduce((n, e) => n + e.rows, 0);

      stage(`baseline: parse + validate ${totalRows.toLocaleString('en')} rows`);
      let began = performance.now();
      let valid = 0;
      for (const { file, system: s } of exports)
        for await (const item of readExport(file))
          if (item.ok && parseRow(s, item.record, { file, line: item.line }).ok) valid++;
      const parseMs = performance.now() - began;

      const admin = createKafka(config, logger, { principal: 'admin' });
      const topics = {
        records: topicName(config.TOPIC_PREFIX, Topics.residentRecords),
        items: topicName(config.TOPIC_PREFIX, Topics.informationItems),
      };
      const wanted = [
        { projection: 'resident-records' as const, topic: topics.records },
        { projection: 'information-items' as const, topic: topics.items },
      ];
      const hub = await openProducerHub(config, logger);
      const views = openProjectionViews({
        storeRoot: projectionStoreRoot(config, readProjectionSettings({})),
      });
      const deps = ingestDeps(hub, logger);
      try {
        stage('ingest → Kafka → projector → views');
        const projectorCpuBefore = cpuSecondsOf(system.pid('projector'));
        const ingestCpuBefore = process.cpuUsage();
        began = performance.now();
        for (const { file, system: s } of exports) await ingestExport(file, s, deps, { batchSize });
        const ingestMs = performance.now() - began;
        const ingestCpu = process.cpuUsage(ingestCpuBefore);
        const caughtUp = await viewsCaughtUp(admin, views, wanted);
        const projectorCpu = cpuSecondsOf(system.pid('projector')) - projectorCpuBefore;
        const endToEndMs = caughtUp - began;
        const ingestPeakMiB = peakRssMiBOf(process.pid) ?? 0;
        const projectorPeakMiB = system.peakRssMiB('projector') ?? 0;

        stage('baseline: raw kafkajs produce + consume of the same payload sizes');
        const consumed = await rawConsume(admin, [topics.records, topics.items], { keepSizes: true });
        const partitions = (await admin.admin().fetchTopicMetadata({ topics: [topics.items] })).topics[0]
          ?.partitions.length;
        const rawCpuBefore = process.cpuUsage();
        const raw = await rawProduceConsume(admin, consumed.sizes ?? [], {
          partitions: partitions ?? 1,
          batchSize,
        });
        const rawCpu = process.cpuUsage(rawCpuBefore);
        const rawRate = perSecond(raw.records, raw.ms);

        stage(`fixed offered rate: ${rate.toLocaleString('en')} rows/s for ${rateSeconds} s`);
        const latency = await atFixedRate(
          config.home,
          hub,
          views,
          deps,
          admin,
          wanted,
          rate,
          rateSeconds,
          quick,
        );

        let profiles: ProfileSummary[] = [];
        if (profile) {
          stage('profiling ingest (this process) and projector on a fresh export at full speed');
          const more = await exportsOf(join(config.home, 'exports-profile'), 3, quick ? 200 : 20_000);
          let ingestProfile: ProfileSummary | undefined;
          const projectorProfiles = await system.profile(['projector'], async () => {
            ingestProfile = await profileSelf(system.profileDir, 'ingest', async () => {
              for (const { file, system: s } of more) await ingestExport(file, s, deps, { batchSize });
            });
            await viewsCaughtUp(admin, views, wanted);
          });
          profiles = [...(ingestProfile ? [ingestProfile] : []), ...projectorProfiles];
        }

        const parseRate = perSecond(valid, parseMs);
        const endToEnd = perSecond(totalRows, endToEndMs);
        const figures: BenchFigure[] = [
          { path: 'parse + validate only', value: parseRate, unit: 'rows/s' },
          {
            path: 'raw produce + consume',
            value: rawRate,
            unit: 'records/s',
            note: `${raw.records.toLocaleString('en')} records of the same sizes, ${partitions} partitions, acks=all batches of ${batchSize}`,
          },
          {
            path: 'ingest (export → Kafka, acknowledged)',
            value: perSecond(totalRows, ingestMs),
            unit: 'rows/s',
            baseline: 'parse + validate only',
            ratio: ratio(perSecond(totalRows, ingestMs), parseRate),
          },
          {
            path: 'export → views (committed)',
            value: endToEnd,
            unit: 'rows/s',
            baseline: 'raw produce + consume',
            ratio: ratio(endToEnd, rawRate),
            target: '≥ 0.5 × raw produce + consume',
          },
          {
            path: `end-to-end latency at ${rate.toLocaleString('en')} rows/s offered`,
            value: latency.achievedRate,
            unit: 'rows/s achieved',
            p50Ms: latency.p50Ms,
            p99Ms: latency.p99Ms,
            target: 'p99 ≤ 1 s',
            note: `${latency.samples} sampled residents (row due on schedule → visible in the view); ${latency.unresolved} not visible within 60 s`,
          },
        ];
        const cpuSeconds = (used: NodeJS.CpuUsage) => (used.user + used.system) / 1e6;
        const rawPerCpu = Math.round(raw.records / Math.max(cpuSeconds(rawCpu), 0.001));
        const ingestPerCpu = Math.round(totalRows / Math.max(cpuSeconds(ingestCpu), 0.001));
        figures.push(
          { path: 'raw produce + consume per CPU-second', value: rawPerCpu, unit: 'records/CPU-s' },
          {
            path: 'ingest per CPU-second (ingest process)',
            value: ingestPerCpu,
            unit: 'rows/CPU-s',
            baseline: 'raw produce + consume per CPU-second',
            ratio: ratio(ingestPerCpu, rawPerCpu),
          },
          {
            path: 'projector per CPU-second (views process)',
            value: Math.round(consumed.records / Math.max(projectorCpu, 0.001)),
            unit: 'events/CPU-s',
            note: 'both views; CPU of the projector process from ingest start until caught up',
          },
        );
        return {
          versions: baseVersions(),
          settings: {
            residents,
            rows: totalRows,
            events: consumed.records,
            rowsPerSystem: Object.fromEntries(exports.map((e) => [e.system, e.rows])),
            ingestBatch: batchSize,
            offeredRate: rate,
            offeredSeconds: rateSeconds,
            pacedBatch: Number(options['rate-batch']),
            views: 'resident-records, information-items (projector process; lmdb, durable commits)',
          },
          figures,
          peakRssMiB: { ingest: ingestPeakMiB, projector: projectorPeakMiB },
          profiles,
        };
      } finally {
        await views.close();
        await hub.close();
      }
    } finally {
      await system.close();
    }
  },
);

async function exportsOf(dir: string, seed: number, residents: number) {
  const manifest = await generateExports({ seed, residents, outDir: dir, format: 'csv' });
  return EXPORT_SYSTEMS.map((s) => ({
    system: s,
    file: join(dir, manifest.files[s].file),
    rows: manifest.files[s].rows,
  }));
}

/**
 * A fresh export (new residents) offered at `rate` rows/s through named pipes, juki and local-tax
 * together in proportion to their rows; latency from each sampled row's scheduled time until its
 * resident shows in the resident-record view (juki) or the information-item view (local-tax).
 */
async function atFixedRate(
  home: string,
  hub: ProducerHub,
  views: ProjectionViews,
  deps: IngestDeps,
  admin: ReturnType<typeof createKafka>,
  wanted: Parameters<typeof viewsCaughtUp>[2],
  rate: number,
  seconds: number,
  quick: boolean,
) {
  const offered = await exportsOf(join(home, 'exports-paced'), 2, Math.ceil((rate * seconds) / 6.6));
  const paced = offered.filter((e) => e.system === 'juki' || e.system === 'local-tax');
  const rows = paced.reduce((n, e) => n + e.rows, 0);
  const sampleEvery = quick ? 1 : Math.max(1, Math.round(rows / 6.6 / 1000));
  const visible = {
    juki: (id: string) => views.residentRecord(id) !== undefined,
    'local-tax': (id: string) => views.itemsOf(id).latest.length > 0,
  } as Record<ExportSystem, (id: string) => boolean>;
  const pipes = join(home, 'pipes');
  mkdirSync(pipes, { recursive: true });
  const began = performance.now();
  const runs = paced.map((e) => {
    const pipe = pacedExport(e.file, join(pipes, `${e.system}.csv`), (rate * e.rows) / rows, sampleEvery);
    const ingest = ingestExport(pipe.fifo, e.system, deps, { batchSize: 100 });
    return { ...e, pipe, ingest };
  });
  const latencies: number[] = [];
  const seen = new Set<string>();
  const ids = new Map<string, string>();
  let writtenMs: number | undefined;
  const writers = Promise.all(runs.map((r) => r.pipe.finished)).then(() => {
    writtenMs = performance.now() - began;
  });
  const settled = () =>
    writtenMs !== undefined &&
    (runs.every((r) => [...r.pipe.due.keys()].every((m) => seen.has(`${r.system}:${m}`))) ||
      performance.now() - began > writtenMs + 60_000);
  while (!settled()) {
    for (const r of runs)
      for (const [myNumber, due] of r.pipe.due) {
        const key = `${r.system}:${myNumber}`;
        if (seen.has(key)) continue;
        const id = ids.get(myNumber) ?? (await hub.identity.vault.lookup(myNumber).catch(() => undefined));
        if (id) ids.set(myNumber, id);
        if (id && visible[r.system](id)) {
          latencies.push(performance.now() - due);
          seen.add(key);
        }
      }
    await sleep(5);
  }
  await writers;
  await Promise.all(runs.map((r) => r.ingest));
  await viewsCaughtUp(admin, views, wanted);
  const sampled = runs.reduce((n, r) => n + r.pipe.due.size, 0);
  return {
    achievedRate: perSecond(rows, writtenMs ?? performance.now() - began),
    ...latencySummary(latencies),
    samples: latencies.length,
    unresolved: sampled - latencies.length,
  };
}

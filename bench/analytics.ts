import type { EventSource, SourceBatch } from '../analytics/event-source.js';
import { clickhouseFactWriter } from '../analytics/fact-writer.js';
import { trailFact } from '../analytics/facts.js';
import { createSinkMetrics } from '../analytics/metrics.js';
import { provisionAnalytics } from '../analytics/provision.js';
import { REPORTS, reportSql } from '../analytics/reports.js';
import { createAnalyticsSink } from '../analytics/sink.js';
import { createClickhouse } from '../platform/clickhouse.js';
import { loadInfraConfig } from '../platform/config.js';
import { DISCLOSURE_CHANNELS, type DisclosureRecorded } from '../schemas/events.js';
import { benchMain } from './harness/main.js';
import { type BenchFigure, baseVersions } from './harness/report.js';
import { latencySummary, perSecond, ratio } from './harness/stats.js';
import { ensureInfra } from './harness/system.js';

const parties = Array.from({ length: 40 }, (_, i) =>
  i < 25 ? String(100000 + i * 3917).slice(0, 6) : `agency-${i}`,
);
const works = Array.from({ length: 12 }, (_, i) => `office-work-${i}`);
const START = Date.UTC(2026, 0, 1);
/** Who asks whom for what is bounded by the legal-basis table: 300 (requester, office work, provider) rows. */
const combos = Array.from({ length: 300 }, (_, i) => ({
  requester: parties[(i * 7) % parties.length] as string,
  officeWork: works[(i * 5) % works.length] as string,
  provider: parties[(i * 11 + 3) % parties.length] as string,
}));

/** A deterministic stream of trail records in time order, as they arrive in a real trail. */
function* trail(total: number, days: number, batchSize: number): Generator<DisclosureRecorded[]> {
  let seed = 42;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let from = 0; from < total; from += batchSize) {
    const batch: DisclosureRecorded[] = [];
    for (let i = from; i < Math.min(total, from + batchSize); i++) {
      const at = new Date(START + Math.floor((i / total) * days * 86_400_000));
      const r = next();
      batch.push({
        type: 'DisclosureRecorded',
        envelope: {
          eventId: `bench-${i.toString(36).padStart(8, '0')}`,
          occurredAt: at,
          recordedAt: new Date(at.getTime() + Math.round(5 + 400 * r * r)),
          producer: 'bench',
          correlationId: `bench-${i}`,
        },
        data: {
          linkageId: 'lk_benchmark_resident',
          ...(combos[Math.floor(next() * combos.length)] as (typeof combos)[number]),
          legalBasisRowId: null,
          itemKind: 'LOCAL_TAX_INCOME',
          outcome: r < 0.8 ? 'DISCLOSED' : r < 0.95 ? 'REFUSED' : 'NOT_FOUND',
          refusalReason: r >= 0.8 && r < 0.95 ? 'NO_LEGAL_BASIS' : null,
          channel: DISCLOSURE_CHANNELS[i % 2] as 'INQUIRY',
          disclosedDigest: null,
          consentId: null,
          nonDisclosureReason: null,
          nonDisclosureCaseReference: null,
          refusalDetail: null,
          nonDisclosureUntil: null,
        },
      });
    }
    yield batch;
  }
}

/**
 * B5 analytics, in the common result format (`npm run bench -- b5`; `npx tsx bench/analytics.ts --rows 10000000`):
 * 1. The sink's write path (event → fact mapping, duplicate check, insert, rollup materialized views)
 *    against a plain batched insert of the same rows into a plain MergeTree, in the same run.
 * 2. Each canned report's SQL over the resulting trail facts (median of 5 after a warm-up).
 * Needs infra up (started through infra/ when down). Uses its own database, dropped at the end unless --keep.
 */
benchMain(
  {
    benchmark: 'b5',
    title: 'analytics: sink into ClickHouse, canned reports',
    options: {
      rows: { default: '10000000' },
      days: { default: '120' },
      batch: { default: '50000' },
      keep: { default: '' },
    },
  },
  async ({ quick, logger, stage, options }) => {
    const total = quick ? 20_000 : Number(options.rows);
    const days = Number(options.days);
    const batchSize = quick ? 5_000 : Number(options.batch);
    const stack = loadInfraConfig();
    await ensureInfra(stack, logger, ['clickhouse']);
    const config = { ...stack, CLICKHOUSE_DATABASE: `bench_${Date.now().toString(36)}` };
    const db = config.CLICKHOUSE_DATABASE;
    await provisionAnalytics(config, logger, 10);
    const admin = createClickhouse(config);
    try {
      await admin.command({
        query: `CREATE TABLE ${db}.trail_plain AS ${db}.trail_facts ENGINE = MergeTree() PARTITION BY toYYYYMM(day) ORDER BY (day, event_id)`,
      });
      stage(`plain batched insert of ${total.toLocaleString('en')} trail facts`);
      let plainMs = 0;
      for (const events of trail(total, days, batchSize)) {
        const rows = events.map(trailFact);
        const began = performance.now();
        await admin.insert({ table: `${db}.trail_plain`, values: rows, format: 'JSONEachRow' });
        plainMs += performance.now() - began;
      }

      stage('the sink write path');
      let sinkMs = 0;
      const source: EventSource = {
        async follow(handle) {
          let offset = 0;
          const context = { heartbeat: async () => undefined, isCurrent: () => true };
          for (const events of trail(total, days, batchSize)) {
            const batch: SourceBatch = {
              topic: 'bench',
              partition: 0,
              records: events.map((event) => ({ offset: String(offset++), event })),
              highWatermark: String(total),
            };
            const began = performance.now();
            await handle(batch, context);
            sinkMs += performance.now() - began;
          }
        },
        stop: async () => undefined,
      };
      const session = createClickhouse(config, undefined, { sessionId: `bench-sink-${Date.now()}` });
      await createAnalyticsSink({
        source,
        writer: clickhouseFactWriter(session, db),
        metrics: createSinkMetrics(),
        logger,
      }).start();
      await session.close();

      const count = async (sql: string) =>
        (await (await admin.query({ query: sql, format: 'JSONEachRow' })).json<{ n: string }>())[0]?.n;
      const stored = await count(`SELECT count() AS n FROM ${db}.trail_facts`);
      const rolled = await count(`SELECT countMerge(accesses) AS n FROM ${db}.trail_daily`);

      stage('canned reports (median of 5 after a warm-up)');
      const timed = async (name: string, sql: string): Promise<BenchFigure> => {
        const times: number[] = [];
        for (let run = 0; run < 6; run++) {
          const began = performance.now();
          await (await admin.query({ query: sql, format: 'JSONEachRow' })).json();
          if (run > 0) times.push(performance.now() - began);
        }
        const summary = latencySummary(times);
        return {
          path: `report ${name}`,
          value: summary.p50Ms,
          unit: 'ms (median)',
          p50Ms: summary.p50Ms,
          p99Ms: summary.maxMs,
          note: undefined,
        };
      };
      const reports: BenchFigure[] = [];
      for (const report of REPORTS) reports.push(await timed(report.name, reportSql(report, db, 50)));
      reports.push(
        await timed(
          'counts per outcome (raw facts FINAL)',
          `SELECT outcome, count() FROM ${db}.trail_facts FINAL GROUP BY outcome`,
        ),
      );
      const version =
        (
          await (
            await admin.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })
          ).json<{ v: string }>()
        )[0]?.v ?? '';
      const plainRate = perSecond(total, plainMs);
      const sinkRate = perSecond(total, sinkMs);
      return {
        versions: { ...baseVersions(), clickhouse: version },
        settings: {
          rows: total,
          days,
          batch: batchSize,
          stored: Number(stored),
          rollupCount: Number(rolled),
          reportsP99Column: 'max of 5',
        },
        figures: [
          { path: 'plain batched insert', value: plainRate, unit: 'rows/s' },
          {
            path: 'sink write path',
            value: sinkRate,
            unit: 'rows/s',
            baseline: 'plain batched insert',
            ratio: ratio(sinkRate, plainRate),
            note: 'map, duplicate check, insert, rollup views',
          },
          ...reports,
        ],
      };
    } finally {
      if (!options.keep)
        for (const d of [`${db}_reports`, db])
          await admin.command({ query: `DROP DATABASE IF EXISTS ${d}` }).catch(() => undefined);
      await admin.close();
    }
  },
);

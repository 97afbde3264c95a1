import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EventSource, SourceBatch } from '../analytics/event-source.js';
import { clickhouseFactWriter } from '../analytics/fact-writer.js';
import { trailFact } from '../analytics/facts.js';
import { createSinkMetrics } from '../analytics/metrics.js';
import { provisionAnalytics } from '../analytics/provision.js';
import { REPORTS, reportSql } from '../analytics/reports.js';
import { createAnalyticsSink } from '../analytics/sink.js';
import { createClickhouse } from '../platform/clickhouse.js';
import { loadInfraConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { DISCLOSURE_CHANNELS, type DisclosureRecorded } from '../schemas/events.js';

/**
 * Analytics figures, printed and written as JSON under `<TSUNAGI_HOME>/bench/` (git-ignored); asserts nothing.
 *   npx tsx bench/analytics.ts --rows 10000000
 * 1. The sink's write path (event → fact mapping, duplicate check, insert, rollup materialized views)
 *    against a plain batched insert of the same rows into a plain MergeTree, in the same run.
 * 2. Each canned report's SQL over the resulting trail facts (median of 5 after a warm-up).
 * Needs infra up. Uses its own database, dropped at the end unless --keep.
 */
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '120' },
    batch: { type: 'string', default: '50000' },
    keep: { type: 'boolean', default: false },
  },
});
const total = Number(values.rows);
const days = Number(values.days);
const batchSize = Number(values.batch);
const config = { ...loadInfraConfig(), CLICKHOUSE_DATABASE: `bench_${Date.now().toString(36)}` };
const db = config.CLICKHOUSE_DATABASE;
const logger = createLogger({ name: 'bench', level: process.env.LOG_LEVEL ?? 'error' });

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
function* trail(): Generator<DisclosureRecorded[]> {
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

const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000));

async function main(): Promise<void> {
  await provisionAnalytics(config, logger, 10);
  const admin = createClickhouse(config);
  await admin.command({
    query: `CREATE TABLE ${db}.trail_plain AS ${db}.trail_facts ENGINE = MergeTree() PARTITION BY toYYYYMM(day) ORDER BY (day, event_id)`,
  });
  console.log(
    `analytics bench: ${total.toLocaleString('en')} trail records over ${days} days, batches of ${batchSize}`,
  );

  let plainMs = 0;
  for (const events of trail()) {
    const rows = events.map(trailFact);
    const began = performance.now();
    await admin.insert({ table: `${db}.trail_plain`, values: rows, format: 'JSONEachRow' });
    plainMs += performance.now() - began;
  }
  console.log(
    `  plain batched insert: ${rate(total, plainMs).toLocaleString('en')} rows/s (${(plainMs / 1000).toFixed(1)} s)`,
  );

  let sinkMs = 0;
  const source: EventSource = {
    async follow(handle) {
      let offset = 0;
      const context = { heartbeat: async () => undefined, isCurrent: () => true };
      for (const events of trail()) {
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
  const metrics = createSinkMetrics();
  const session = createClickhouse(config, undefined, { sessionId: `bench-sink-${Date.now()}` });
  await createAnalyticsSink({ source, writer: clickhouseFactWriter(session, db), metrics, logger }).start();
  await session.close();
  console.log(
    `  sink write path (map, duplicate check, insert, rollups): ${rate(total, sinkMs).toLocaleString('en')} rows/s (${(sinkMs / 1000).toFixed(1)} s)`,
  );

  const count = async (sql: string) =>
    (await (await admin.query({ query: sql, format: 'JSONEachRow' })).json<{ n: string }>())[0]?.n;
  const stored = await count(`SELECT count() AS n FROM ${db}.trail_facts`);
  const rolled = await count(`SELECT countMerge(accesses) AS n FROM ${db}.trail_daily`);
  console.log(`  stored ${stored} facts; rollup counts ${rolled}`);

  const reports: Record<string, { medianMs: number; maxMs: number; rows: number }> = {};
  const timed = async (name: string, sql: string) => {
    const times: number[] = [];
    let rows = 0;
    for (let run = 0; run < 6; run++) {
      const began = performance.now();
      rows = (await (await admin.query({ query: sql, format: 'JSONEachRow' })).json()).length;
      if (run > 0) times.push(performance.now() - began);
    }
    times.sort((a, b) => a - b);
    reports[name] = { medianMs: Math.round(times[2] ?? 0), maxMs: Math.round(times.at(-1) ?? 0), rows };
    console.log(`  ${name.padEnd(34)} median ${reports[name]?.medianMs} ms, max ${reports[name]?.maxMs} ms`);
  };
  for (const report of REPORTS) await timed(report.name, reportSql(report, db, 50));
  await timed(
    'counts per outcome (raw facts FINAL)',
    `SELECT outcome, count() FROM ${db}.trail_facts FINAL GROUP BY outcome`,
  );

  const result = {
    at: new Date().toISOString(),
    rows: total,
    days,
    batchSize,
    clickhouse: (
      await (await admin.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })).json()
    )[0],
    plainInsertRowsPerSecond: rate(total, plainMs),
    sinkRowsPerSecond: rate(total, sinkMs),
    stored: Number(stored),
    rollupCount: Number(rolled),
    reports,
  };
  const dir = join(config.home, 'bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `analytics-${result.at.replaceAll(':', '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`  written ${file}`);
  if (!values.keep)
    for (const d of [`${db}_reports`, db]) await admin.command({ query: `DROP DATABASE IF EXISTS ${d}` });
  await admin.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

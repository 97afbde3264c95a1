import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickhouse } from '../platform/clickhouse.js';
import type { InfraConfig } from '../platform/config.js';
import { testConfig } from '../tests/support/infra.js';
import { type ChdbResult, ensureChdb, runOnChdb } from './chdb/engine.js';
import { factTablesSql, reportViewsSql, rollupSql } from './ddl.js';
import { grantsSql, stagingSql } from './fact-writer.js';
import { consentRef } from './facts.js';
import { planFacts } from './plan.js';
import { REPORTS, reportSql } from './reports.js';
import { dropAnalytics, isolatedAnalytics } from './testing/clickhouse.js';
import { disclosure, grant, ingestRun, recordChange, revoke } from './testing/events.js';

/**
 * The same SQL on Debian's ClickHouse 18.16 (our server) and on ClickHouse 26.x (chdb, in-process):
 * every DDL statement, the sink's inserts, duplicate check and grant lookup, and every canned report
 * must run on both, and the reports must give the same rows.
 */
const K = 3;
const outcomes = ['DISCLOSED', 'DISCLOSED', 'REFUSED', 'NOT_FOUND'] as const;
const events = [
  ...Array.from({ length: 60 }, (_, n) =>
    disclosure('eng', n, {
      outcome: outcomes[n % 4] as (typeof outcomes)[number],
      provider: n % 3 ? '271004' : 'jps',
      officeWork: n < 2 ? 'rare-work' : 'child-allowance-eligibility',
      latencyMs: 10 + n * 7,
    }),
  ),
  ...Array.from({ length: 20 }, (_, n) => recordChange('eng', n, n % 2 ? '131016' : '271004')),
  ...Array.from({ length: 12 }, (_, n) => grant('eng', n)),
  ...Array.from({ length: 4 }, (_, n) => revoke('eng', n)),
  ingestRun('eng', 1),
];
const plan = planFacts(events, () => undefined);
const jsonRows = (rows: ReadonlyArray<object>) => rows.map((r) => JSON.stringify(r)).join('\n');
/** The sink's steps per table: staging temporary table, duplicate check, server-side copy. */
const inserts = (db: string) =>
  plan.flatMap(({ table, rows }) => {
    const sql = stagingSql(db, table);
    const data = `INSERT INTO ${sql.staging} FORMAT JSONEachRow\n${jsonRows(rows)}`;
    return [sql.create, sql.clear, data, sql.existing, sql.copyAll, sql.clear];
  });
/** A redelivered batch: its ids are stored already, so the filtered copy adds nothing. */
const replay = (db: string) => {
  const sql = stagingSql(db, 'trail_facts');
  const rows = plan.find((p) => p.table === 'trail_facts')?.rows.slice(0, 3) ?? [];
  const data = `INSERT INTO ${sql.staging} FORMAT JSONEachRow\n${jsonRows(rows)}`;
  return [sql.create, sql.clear, data, sql.copyNew(rows.map((r) => r.event_id))];
};
const queries = (db: string) => [
  `SELECT event_id FROM ${db}.trail_facts WHERE event_id IN ('eng-trail-1', 'eng-trail-2', 'absent')`,
  grantsSql(db, [consentRef('eng-consent-1'), consentRef('absent')]),
  `SELECT outcome, count() AS n FROM ${db}.trail_facts FINAL GROUP BY outcome ORDER BY outcome`,
  ...REPORTS.map((report) => reportSql(report, db, 50)),
];

/** JSONEachRow text → rows with numbers as numbers (engines differ in quoting 64-bit integers). */
const normalise = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) =>
      Object.fromEntries(
        Object.entries(JSON.parse(line) as Record<string, unknown>).map(([k, v]) => [
          k,
          typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) && k !== 'municipality' && k !== 'provider'
            ? Number(v)
            : v,
        ]),
      ),
    );

let config: InfraConfig;
let old: Array<Array<Record<string, unknown>>>;
let current: { version: string; results: ChdbResult[] };

beforeAll(async () => {
  config = await isolatedAnalytics('engines', K);
  const db = config.CLICKHOUSE_DATABASE;
  const admin = createClickhouse(config, undefined, { sessionId: `engines-${Date.now()}` });
  for (const statement of [...inserts(db), ...replay(db)]) await admin.command({ query: statement });
  old = [];
  for (const query of queries(db))
    old.push(normalise(await (await admin.query({ query, format: 'JSONEachRow' })).text()));
  await admin.close();
  const python = ensureChdb(testConfig().home);
  const ddl = [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    ...factTablesSql(db),
    ...rollupSql(db),
    ...Object.entries(reportViewsSql(db, K)).map(
      ([view, select]) => `CREATE VIEW ${db}.${view} AS ${select}`,
    ),
  ];
  current = runOnChdb(python, [...ddl, ...inserts(db), ...replay(db), ...queries(db)]);
}, 600_000);
afterAll(async () => dropAnalytics(config));

describe('the same SQL on ClickHouse 18.16 and a current release', () => {
  it('runs on a current release (chdb)', () => {
    expect(current.version).toMatch(/^2[6-9]\./);
  });

  it('accepts every DDL statement and insert on both', () => {
    const failed = current.results.flatMap((r, i) => (r.ok ? [] : [`#${i}: ${r.error}`]));
    expect(failed).toEqual([]);
  });

  it('gives the same rows for the duplicate check, the grant lookup, the counts and every report', () => {
    const tail = current.results
      .slice(-queries('db').length)
      .map((r) => (r.ok ? normalise(r.result) : r.error));
    // Quantiles are interpolated; the engines round a .5 millisecond differently: allow 1 ms.
    const withoutMs = (result: unknown) =>
      Array.isArray(result) ? result.map(({ p50_ms, p95_ms, ...rest }) => rest) : result;
    expect(tail.map(withoutMs)).toEqual(old.map(withoutMs));
    const ms = (result: unknown) =>
      (Array.isArray(result) ? result : [])
        .flatMap((r) => [r.p50_ms, r.p95_ms])
        .filter((v) => v !== undefined);
    const latency = tail.length - REPORTS.length + REPORTS.findIndex((r) => r.name === 'latency');
    expect(ms(old[latency])).toHaveLength(4);
    for (const [i, v] of ms(tail[latency]).entries())
      expect(Math.abs(Number(v) - Number(ms(old[latency])[i]))).toBeLessThanOrEqual(1);
    expect(old[0]?.map((r) => r.event_id).sort()).toEqual(['eng-trail-1', 'eng-trail-2']);
    expect(old[1]).toEqual([
      { consent_ref: consentRef('eng-consent-1'), recipient: 'mykey-portal', purpose: expect.any(String) },
    ]);
    const topOfficeWorks = old[3];
    expect(topOfficeWorks).toEqual([
      { office_work: 'child-allowance-eligibility', accesses: 58, requesters: 1 },
      { office_work: 'rare-work', accesses: null, requesters: null },
    ]);
  });
});

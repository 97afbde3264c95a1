import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickhouse } from '../platform/clickhouse.js';
import type { InfraConfig } from '../platform/config.js';
import { testConfig } from '../tests/support/infra.js';
import { analystClient, analystRows } from './analyst.js';
import { CLICKHOUSE_USERS, readPasswords } from './clickhouse-users.js';
import { analyticsDatabases, REPORT_VIEWS } from './ddl.js';
import { credentialsFile, readAnalyticsSettings } from './settings.js';
import { adminQuery, dropAnalytics, isolatedAnalytics } from './testing/clickhouse.js';

/**
 * Who can read what, on the stack's own ClickHouse (users.xml names the stack's databases): the
 * analyst reads the suppressed reports only and writes nothing; the facts reader reads raw facts but
 * writes nothing; the sink writes. And a report over a cell with fewer than k accesses shows it
 * suppressed (on a database of this test's own, through the same view SQL).
 */
const stack = testConfig();
const dbs = analyticsDatabases(stack.CLICKHOUSE_DATABASE);
const settings = readAnalyticsSettings();
const passwords = readPasswords(credentialsFile(stack, settings));
const as = (role: 'facts' | 'sink') =>
  createClickhouse(stack, undefined, {
    username: CLICKHOUSE_USERS[role],
    password: passwords[role],
    readonly: true,
  });
const refusal = (query: Promise<unknown>) =>
  query.then(
    () => 'allowed',
    (e: Error) => e.message,
  );

describe('ClickHouse users', () => {
  const analyst = analystClient(stack, settings);
  const facts = as('facts');
  const sink = as('sink');
  afterAll(async () => Promise.all([analyst.close(), facts.close(), sink.close()]));

  it('the analyst reads every suppressed report through its proxy', async () => {
    for (const view of REPORT_VIEWS)
      expect(await analystRows(analyst, `SELECT * FROM ${dbs.reports}.${view} LIMIT 1`)).toBeInstanceOf(
        Array,
      );
  });

  it.each([
    'trail_facts',
    'record_change_facts',
    'consent_facts',
    'ingest_facts',
    'trail_daily',
    'report_refusal_rates',
  ])('the analyst cannot read %s in the facts database', async (table) => {
    await expect(analystRows(analyst, `SELECT count() FROM ${dbs.facts}.${table}`)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: `ClickHouse refused the analyst: Access denied to database ${dbs.facts} for user tsunagi_analyst`,
    });
  });

  it('the analyst cannot write, create, change settings, or reach raw facts through a table function', async () => {
    const attempts = [
      `INSERT INTO ${dbs.reports}.report_top_office_works VALUES ('x', 1, 1)`,
      `CREATE TABLE ${dbs.reports}.mine (a UInt8) ENGINE = Memory`,
      `DROP TABLE ${dbs.reports}.report_top_office_works`,
      `SELECT * FROM remote('127.0.0.1:${stack.CLICKHOUSE_TCP_PORT}', ${dbs.facts}.trail_facts)`,
      `SELECT count() FROM ${dbs.reports}.report_top_office_works SETTINGS prefer_localhost_replica = 1`,
    ];
    for (const sql of attempts)
      await expect(analystRows(analyst, sql), sql).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('the facts reader reads raw facts and rollups but cannot write', async () => {
    const read = await facts.query({
      query: `SELECT count() AS n FROM ${dbs.facts}.trail_facts`,
      format: 'JSONEachRow',
    });
    expect(await read.json()).toHaveLength(1);
    expect(
      await refusal(
        facts.command({ query: `INSERT INTO ${dbs.facts}.ingest_facts (event_id) VALUES ('x')` }),
      ),
    ).toContain('Cannot insert into table in readonly mode');
  });

  it('the sink writes facts (an empty insert proves the grant without leaving a row)', async () => {
    expect(
      await refusal(sink.insert({ table: `${dbs.facts}.ingest_facts`, values: [], format: 'JSONEachRow' })),
    ).toBe('allowed');
    expect(await refusal(sink.query({ query: `SELECT count() FROM ${dbs.facts}.ingest_facts` }))).toBe(
      'allowed',
    );
  });
});

describe('small-count suppression', () => {
  let config: InfraConfig;
  beforeAll(async () => {
    config = await isolatedAnalytics('suppression', 10);
    const db = config.CLICKHOUSE_DATABASE;
    const row = (n: number, officeWork: string, outcome: string, requester = '131016') =>
      `('sup-${officeWork}-${n}', '2026-04-01 01:00:00', '2026-04-01', '${requester}', '${officeWork}', 'jps', 'PENSION_BENEFIT_AMOUNT', '${outcome}', '', 'INQUIRY', ${n}, '131016', '')`;
    const rows = [
      ...Array.from({ length: 3 }, (_, n) => row(n, 'rare-work', 'DISCLOSED')),
      ...Array.from({ length: 12 }, (_, n) => row(n, 'common-work', n < 2 ? 'REFUSED' : 'DISCLOSED')),
      ...Array.from({ length: 25 }, (_, n) =>
        row(n, 'busy-work', n < 11 ? 'REFUSED' : 'DISCLOSED', 'hello-work'),
      ),
    ];
    await createClickhouse(config).command({
      query: `INSERT INTO ${db}.trail_facts VALUES ${rows.join(', ')}`,
    });
  });
  afterAll(async () => dropAnalytics(config));

  it('shows a cell of fewer than k accesses as suppressed, and what it could be derived from too', async () => {
    const db = config.CLICKHOUSE_DATABASE;
    expect(
      await adminQuery(
        config,
        `SELECT office_work, accesses FROM ${db}.report_top_office_works ORDER BY office_work`,
      ),
    ).toEqual([
      { office_work: 'busy-work', accesses: '25' },
      { office_work: 'common-work', accesses: '12' },
      { office_work: 'rare-work', accesses: null },
    ]);
    expect(
      await adminQuery(
        config,
        `SELECT office_work, inquiries, refused, refusal_rate FROM ${db}.report_refusal_rates ORDER BY office_work`,
      ),
    ).toEqual([
      { office_work: 'busy-work', inquiries: '25', refused: '11', refusal_rate: 0.44 },
      { office_work: 'common-work', inquiries: '12', refused: null, refusal_rate: null },
      { office_work: 'rare-work', inquiries: null, refused: null, refusal_rate: null },
    ]);
    expect(
      await adminQuery(config, `SELECT provider, accesses FROM ${db}.report_latency_by_provider`),
    ).toEqual([{ provider: 'jps', accesses: '40' }]);
  });
});

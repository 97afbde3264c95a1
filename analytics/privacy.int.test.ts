import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import { generateDevKeys } from '../identity/dev-keys.js';
import type { LinkageId } from '../identity/linkage-id.js';
import { scanForMyNumbers } from '../identity/privacy-scan.js';
import type { InfraConfig } from '../platform/config.js';
import { EXPORT_SYSTEMS } from '../producers/exports/systems.js';
import { openProducerHub, type ProducerHub } from '../producers/hub-wiring.js';
import { ingestExport } from '../producers/ingest.js';
import { generateExports } from '../producers/synthetic/generate.js';
import { eventually } from '../tests/support/eventually.js';
import { testLogger } from '../tests/support/infra.js';
import { adminQuery, dropAnalytics, isolatedAnalytics, publish, testSink } from './testing/clickhouse.js';
import { disclosure, grant, revoke } from './testing/events.js';

/**
 * Principle 2 for analytics: after a realistic flow (five core systems' exports through the producers
 * and the identity vault, inquiries, consents), no ClickHouse table holds a My Number, name, kana,
 * address, birth date, household id, linkage id, agency code or PPID. Dates appear only as the
 * events' own times (`at`, `day`, `month`).
 */
let config: InfraConfig;
let hub: ProducerHub;
const personal = new Map<string, Set<string>>();
const note = (kind: string, value: string | undefined) => {
  if (value) personal.set(kind, (personal.get(kind) ?? new Set()).add(value));
};
let myNumbers: string[] = [];
const run = `p${Date.now().toString(36)}`;

beforeAll(async () => {
  config = await isolatedAnalytics('privacy');
  const dir = mkdtempSync(join(tmpdir(), 'tsunagi-analytics-privacy-'));
  const exports = join(dir, 'exports');
  const manifest = await generateExports({
    seed: 13,
    residents: 60,
    outDir: exports,
    format: 'csv',
    invalidRate: 0.02,
  });
  const logger = testLogger();
  hub = await openProducerHub({ ...config, home: join(dir, 'home') }, logger, { ...generateDevKeys() });
  for (const system of EXPORT_SYSTEMS) {
    const file = join(exports, manifest.files[system].file);
    const rows = parse(readFileSync(file, 'utf8'), { columns: true, relax_column_count: true }) as Array<
      Record<string, string>
    >;
    for (const row of rows) {
      note('my number', row.my_number);
      for (const column of [
        'family_name',
        'given_name',
        'family_name_kana',
        'given_name_kana',
        'street',
        'household_id',
      ])
        note(column, row[column]);
      note('date of birth', row.date_of_birth);
    }
    await ingestExport(file, system, {
      publisher: hub.publisher,
      resolveLinkageId: (n) => hub.identity.vault.enrol(n),
      clock: systemClock,
      logger,
      producer: `privacy-${system}`,
      vaultKeys: hub.vaultKeys,
    });
  }
  myNumbers = [...(personal.get('my number') ?? [])].filter((n) => /^\d{12}$/.test(n));
  const events = [];
  for (const [i, myNumber] of myNumbers.slice(0, 40).entries()) {
    const linkageId = (await hub.identity.vault.enrol(myNumber)) as LinkageId;
    note('linkage id', linkageId);
    note('agency code', await hub.identity.codes.issueAgencyCode('hello-work', linkageId));
    note('ppid', await hub.identity.codes.ppidFor('mykey-portal', linkageId));
    events.push(disclosure(run, i, { outcome: i % 4 ? 'DISCLOSED' : 'REFUSED', linkageId }));
    const granted = grant(run, i);
    granted.data.linkageId = linkageId;
    events.push(granted);
    if (i % 5 === 0) events.push({ ...revoke(run, i), data: { ...revoke(run, i).data, linkageId } });
  }
  await publish(config, events);
  const { sink } = testSink(config);
  await sink.start();
  const db = config.CLICKHOUSE_DATABASE;
  await eventually(
    () => adminQuery<{ n: string }>(config, `SELECT count() AS n FROM ${db}.trail_facts`),
    (r) => r[0]?.n === '40',
  );
  await eventually(
    () => adminQuery<{ n: string }>(config, `SELECT count() AS n FROM ${db}.ingest_facts`),
    (r) => r[0]?.n === '5',
  );
  await sink.stop();
}, 300_000);
afterAll(async () => {
  await hub?.close();
  await dropAnalytics(config);
});

async function tables(): Promise<Array<{ name: string; engine: string }>> {
  return adminQuery(
    config,
    `SELECT name, engine FROM system.tables WHERE database = '${config.CLICKHOUSE_DATABASE}'`,
  );
}
const dump = async (table: string, columns = '*') =>
  (
    await adminQuery<Record<string, unknown>>(
      config,
      `SELECT ${columns} FROM ${config.CLICKHOUSE_DATABASE}.${table}`,
    )
  ).map((row) => JSON.stringify(row));

describe('privacy scan of every ClickHouse table', () => {
  it('had personal data in its input and facts in every table to scan', async () => {
    for (const kind of [
      'my number',
      'family_name',
      'street',
      'date of birth',
      'linkage id',
      'agency code',
      'ppid',
    ])
      expect(personal.get(kind)?.size ?? 0, kind).toBeGreaterThan(10);
    const all = await tables();
    expect(all.length).toBeGreaterThanOrEqual(16);
    for (const { name } of all.filter((t) => t.engine.endsWith('MergeTree')))
      expect((await dump(name)).length, name).toBeGreaterThan(0);
  });

  it('finds no My Number, name, kana, address, household, linkage id, agency code or PPID in any table', async () => {
    for (const { name, engine } of await tables()) {
      if (engine === 'MaterializedView') continue; // its rows are in its target table, scanned itself
      const text = (await dump(name)).join('\n');
      expect(scanForMyNumbers(myNumbers, [text]), name).toEqual([]);
      for (const [kind, values] of personal) {
        if (kind === 'my number' || kind === 'date of birth') continue;
        const found = [...values].filter((v) => v.length >= 2 && text.includes(v));
        expect(found.length, `${kind} in ${name}`).toBe(0);
      }
    }
  });

  it('holds dates only as event times, record changes only to the month, and no birth date in any other column', async () => {
    const columns = await adminQuery<{ table: string; name: string; type: string }>(
      config,
      `SELECT table, name, type FROM system.columns WHERE database = '${config.CLICKHOUSE_DATABASE}'`,
    );
    const dated = columns.filter((c) => /Date/.test(c.type)).map((c) => c.name);
    expect([...new Set(dated)].sort()).toEqual(['at', 'day', 'month']);
    expect(await dump('record_change_facts', 'DISTINCT toDayOfMonth(day) AS d')).toEqual(['{"d":1}']);
    const births = [...(personal.get('date of birth') ?? [])];
    for (const table of ['trail_facts', 'record_change_facts', 'consent_facts', 'ingest_facts']) {
      const text = columns
        .filter((c) => c.table === table && c.type === 'String')
        .map((c) => c.name)
        .join(', ');
      const values = (await dump(table, text)).join('\n');
      expect(
        births.filter((b) => values.includes(b)),
        table,
      ).toEqual([]);
    }
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { createClickhouse } from '../../platform/clickhouse.js';
import { testConfig, uniqueName } from '../support/infra.js';

describe('ClickHouse', () => {
  const config = testConfig();
  const clickhouse = createClickhouse(config, config.CLICKHOUSE_DATABASE);
  const table = uniqueName('smoke').replaceAll('.', '_');

  afterAll(async () => {
    await clickhouse.command({ query: `DROP TABLE IF EXISTS ${table}` });
    await clickhouse.close();
  });

  it('writes rows and reads them back', async () => {
    await clickhouse.command({
      query: `CREATE TABLE ${table} (day Date, at DateTime, office_work String, inquiries UInt32) ENGINE = MergeTree() ORDER BY (day, office_work)`,
    });
    await clickhouse.insert({
      table,
      format: 'JSONEachRow',
      values: [
        {
          day: '2026-11-23',
          at: '2026-11-23 10:00:00',
          office_work: 'child-allowance-eligibility',
          inquiries: 3,
        },
        { day: '2026-11-23', at: '2026-11-23 11:00:00', office_work: 'public-assistance', inquiries: 5 },
      ],
    });
    const result = await clickhouse.query({
      query: `SELECT office_work, sum(inquiries) AS total FROM ${table} GROUP BY office_work ORDER BY office_work`,
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([
      { office_work: 'child-allowance-eligibility', total: '3' },
      { office_work: 'public-assistance', total: '5' },
    ]);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { analystClient, reportRows } from '../analytics/analyst.js';
import { reportByName } from '../analytics/reports.js';
import { readAnalyticsSettings } from '../analytics/settings.js';
import { alignedTable } from '../analytics/table-format.js';
import { createClickhouse } from '../platform/clickhouse.js';
import type { InfraConfig } from '../platform/config.js';

/**
 * What an analyst sees once the analytics sink caught up with the demo: a report read through the
 * read-only analyst user, with cells below k suppressed (x).
 */
export async function demoAnalytics(config: InfraConfig): Promise<void> {
  const admin = createClickhouse(config);
  const facts = async () =>
    (
      await (
        await admin.query({
          query: `SELECT count() AS n FROM ${config.CLICKHOUSE_DATABASE}.trail_facts`,
          format: 'JSONEachRow',
        })
      ).json<{ n: string }>()
    )[0]?.n;
  let last: string | undefined;
  for (let waited = 0; waited < 30_000; waited += 1000) {
    const now = await facts();
    if (now !== undefined && now !== '0' && now === last) break;
    last = now;
    await sleep(1000);
  }
  await admin.close();
  const settings = readAnalyticsSettings();
  const analyst = analystClient(config, settings);
  try {
    for (const name of ['top-office-works', 'refusal-rates']) {
      const report = reportByName(name);
      if (!report) continue;
      const rows = await reportRows(analyst, config, report, 10);
      console.log(`\n  ${report.title} (k = ${settings.ANALYTICS_K})\n`);
      console.log(alignedTable(report.columns, rows).replace(/^/gm, '  '));
    }
  } finally {
    await analyst.close();
  }
}

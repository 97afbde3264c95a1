import { TsunagiError } from '../core/errors.js';
import { createClickhouse } from '../platform/clickhouse.js';
import type { InfraConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { analyticsDatabases, factTablesSql, reportProxySql, reportViewsSql, rollupSql } from './ddl.js';

/**
 * Creates the analytics databases, fact tables, rollups and their materialized views (idempotent),
 * then drops and recreates every suppressed report view with threshold `k` and its proxy in the
 * analyst's database (columns copied from the view). Runs as the local admin user.
 */
export async function provisionAnalytics(
  config: Pick<InfraConfig, 'clickhouseUrl' | 'CLICKHOUSE_DATABASE'>,
  logger: Logger,
  k: number,
): Promise<void> {
  const dbs = analyticsDatabases(config.CLICKHOUSE_DATABASE);
  const admin = createClickhouse(config);
  const run = (query: string) => admin.command({ query });
  try {
    await run(`CREATE DATABASE IF NOT EXISTS ${dbs.facts}`);
    await run(`CREATE DATABASE IF NOT EXISTS ${dbs.reports}`);
    for (const query of [...factTablesSql(dbs.facts), ...rollupSql(dbs.facts)]) await run(query);
    for (const [view, select] of Object.entries(reportViewsSql(dbs.facts, k))) {
      await run(`DROP TABLE IF EXISTS ${dbs.reports}.${view}`);
      await run(`DROP TABLE IF EXISTS ${dbs.facts}.${view}`);
      await run(`CREATE VIEW ${dbs.facts}.${view} AS ${select}`);
      const described = await admin.query({
        query: `DESCRIBE TABLE ${dbs.facts}.${view}`,
        format: 'JSONEachRow',
      });
      const columns = (await described.json<{ name: string; type: string }>())
        .map((c) => `${c.name} ${c.type}`)
        .join(', ');
      await run(reportProxySql(dbs, view, columns));
    }
  } catch (cause) {
    throw new TsunagiError(
      'ANALYTICS_UNAVAILABLE',
      `could not provision the analytics schema in ${dbs.facts}`,
      {
        cause,
      },
    );
  } finally {
    await admin.close();
  }
  logger.info({ database: dbs.facts, reports: dbs.reports, k }, 'analytics schema provisioned');
}

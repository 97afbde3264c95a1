import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { TsunagiError } from '../core/errors.js';
import { createClickhouse } from '../platform/clickhouse.js';
import type { InfraConfig } from '../platform/config.js';
import { chartSpec, renderSvg, svgToPng } from './chart.js';
import { CLICKHOUSE_USERS, readPasswords } from './clickhouse-users.js';
import { analyticsDatabases } from './ddl.js';
import { type Report, reportSql } from './reports.js';
import { type AnalyticsSettings, credentialsFile } from './settings.js';
import type { Row } from './table-format.js';

/** A client as the read-only analyst user, on the analyst's database (proxies of suppressed views only). */
export function analystClient(config: InfraConfig, settings: AnalyticsSettings): ClickHouseClient {
  const password = readPasswords(credentialsFile(config, settings)).analyst;
  return createClickhouse(config, analyticsDatabases(config.CLICKHOUSE_DATABASE).reports, {
    username: CLICKHOUSE_USERS.analyst,
    password,
    readonly: true,
  });
}

/**
 * ClickHouse's refusal as our error: 18.16 does not parse server errors into ClickHouseError, so
 * the code is read from the message (`Code: 291` access denied, `Code: 164` readonly).
 */
export function analystError(cause: unknown): TsunagiError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = /Code: (\d+)/.exec(message)?.[1] ?? (cause as { code?: string }).code;
  const reason = (/DB::Exception: (.*?)(?:, e\.what\(\)|$)/s.exec(message)?.[1] ?? message).slice(0, 300);
  if (code === '291' || code === '164' || code === '497' || code === '516')
    return new TsunagiError('FORBIDDEN', `ClickHouse refused the analyst: ${reason}`, { path: 'sql', cause });
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === undefined)
    return new TsunagiError('ANALYTICS_UNAVAILABLE', `ClickHouse is not reachable: ${reason}`, { cause });
  return new TsunagiError('INPUT_INVALID', `ClickHouse rejected the query: ${reason}`, {
    path: 'sql',
    cause,
  });
}

/** Runs SQL as the analyst and returns its rows (JSONEachRow: 64-bit integers as strings, NULL as null). */
export async function analystRows(client: ClickHouseClient, sql: string): Promise<Row[]> {
  try {
    return await (await client.query({ query: sql, format: 'JSONEachRow' })).json<Row>();
  } catch (cause) {
    throw analystError(cause);
  }
}

export const reportRows = (client: ClickHouseClient, config: InfraConfig, report: Report, limit: number) =>
  analystRows(client, reportSql(report, analyticsDatabases(config.CLICKHOUSE_DATABASE).reports, limit));

/** Writes a report's chart: `.svg` as drawn by Vega, `.png` rasterised by resvg. Returns the bytes written. */
export async function writeChart(
  file: string,
  report: Report,
  rows: readonly Row[],
  k: number,
): Promise<number> {
  const kind = extname(file).toLowerCase();
  if (kind !== '.svg' && kind !== '.png')
    throw new TsunagiError(
      'INPUT_INVALID',
      `--chart must name a .svg or .png file, not ${kind || 'no extension'}`,
      {
        path: 'chart',
      },
    );
  const svg = await renderSvg(chartSpec(report, rows, k));
  const bytes = kind === '.svg' ? Buffer.from(svg, 'utf8') : svgToPng(svg);
  writeFileSync(file, bytes);
  return bytes.length;
}

import { type ClickHouseClient, createClient } from '@clickhouse/client';
import type { InfraConfig } from './config.js';

/**
 * A client for our ClickHouse. Debian's server is 18.16: no `{name:Type}` query
 * parameters, no DateTime64, errors are not parsed into ClickHouseError (match the
 * message). `best_effort` lets it read ISO timestamps.
 */
export function createClickhouse(
  config: Pick<InfraConfig, 'clickhouseUrl'>,
  database?: string,
): ClickHouseClient {
  return createClient({
    url: config.clickhouseUrl,
    ...(database === undefined ? {} : { database }),
    clickhouse_settings: { date_time_input_format: 'best_effort' },
    request_timeout: 30_000,
  });
}

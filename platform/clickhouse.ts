import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { InfraConfig } from './config.js';

export interface ClickhouseLogin {
  username: string;
  password: string;
  /** A readonly=1 user may not change settings: send none. */
  readonly?: boolean;
}

/**
 * A client for our ClickHouse. Debian's server is 18.16: no `{name:Type}` query
 * parameters, no DateTime64, errors are not parsed into ClickHouseError (match the
 * message). `best_effort` lets it read ISO timestamps. Without `login` it connects as the
 * local passwordless admin (`default`), which infra/ provisions with.
 */
export function createClickhouse(
  config: Pick<InfraConfig, 'clickhouseUrl'>,
  database?: string,
  login?: ClickhouseLogin,
): ClickHouseClient {
  return createClient({
    url: config.clickhouseUrl,
    ...(database === undefined ? {} : { database }),
    // With a login (a service or the analyst tool) failures are thrown to the caller, not also logged by the client.
    ...(login === undefined
      ? {}
      : { username: login.username, password: login.password, log: { level: ClickHouseLogLevel.OFF } }),
    ...(login?.readonly ? {} : { clickhouse_settings: { date_time_input_format: 'best_effort' } }),
    request_timeout: 30_000,
  });
}

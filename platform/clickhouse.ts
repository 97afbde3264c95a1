import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { InfraConfig } from './config.js';

export interface ClickhouseAccess {
  /** Default: the local passwordless admin (`default`), which infra/ provisions with. */
  username?: string;
  password?: string;
  /** A readonly=1 user may not change settings: send none. */
  readonly?: boolean;
  /** An HTTP session (temporary tables live in it); its queries must not run concurrently. */
  sessionId?: string;
}

/**
 * A client for our ClickHouse. Debian's server is 18.16: no `{name:Type}` query
 * parameters, no DateTime64, errors are not parsed into ClickHouseError (match the
 * message). `best_effort` lets it read ISO timestamps.
 */
export function createClickhouse(
  config: Pick<InfraConfig, 'clickhouseUrl'>,
  database?: string,
  access: ClickhouseAccess = {},
): ClickHouseClient {
  return createClient({
    url: config.clickhouseUrl,
    ...(database === undefined ? {} : { database }),
    ...(access.username === undefined ? {} : { username: access.username, password: access.password ?? '' }),
    // Services and the analyst tool handle failures themselves: the client need not log them too.
    ...(access.username === undefined && access.sessionId === undefined
      ? {}
      : { log: { level: ClickHouseLogLevel.OFF } }),
    ...(access.sessionId === undefined ? {} : { session_id: access.sessionId }),
    ...(access.readonly ? {} : { clickhouse_settings: { date_time_input_format: 'best_effort' } }),
    request_timeout: 30_000,
  });
}

import { join } from 'node:path';
import { z } from 'zod';
import type { InfraConfig } from '../platform/config.js';
import { readEnv } from '../platform/env.js';
import { infraPaths } from '../platform/paths.js';

/** Settings of the analytics sink and tool (docs/configuration.md, docs/analytics.md). */
export const AnalyticsSettings = z.object({
  /** Cells counting fewer than k (but more than zero) are published suppressed. */
  ANALYTICS_K: z.coerce.number().int().min(2).max(1000).default(10),
  /** JSON file with the ClickHouse users' passwords; default `<TSUNAGI_HOME>/data/clickhouse/credentials.json`. */
  ANALYTICS_CREDENTIALS_FILE: z.string().optional(),
  /** Prometheus endpoint of the sink on 127.0.0.1 (lag, inserted, duplicates, retries); 0 disables it. */
  ANALYTICS_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9466),
  /** Longest pause between retries while ClickHouse is unreachable. */
  ANALYTICS_RETRY_MAX_MS: z.coerce.number().int().min(100).default(30_000),
  /** Fetch size per partition (one insert holds at most about this much input). */
  ANALYTICS_FETCH_MAX_BYTES: z.coerce.number().int().min(1024).default(4_194_304),
});
export type AnalyticsSettings = z.infer<typeof AnalyticsSettings>;

export const readAnalyticsSettings = (env: NodeJS.ProcessEnv = process.env): AnalyticsSettings =>
  readEnv(AnalyticsSettings, env);

export const credentialsFile = (config: Pick<InfraConfig, 'home'>, settings: AnalyticsSettings): string =>
  settings.ANALYTICS_CREDENTIALS_FILE ?? join(infraPaths(config.home).data('clickhouse'), 'credentials.json');

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionAnalytics } from '../../analytics/provision.js';
import { credentialsFile, readAnalyticsSettings } from '../../analytics/settings.js';
import type { InfraConfig } from '../../platform/config.js';
import type { Logger } from '../../platform/logger.js';
import { freePort } from './free-port.js';
import { testConfig } from './infra.js';
import { isolatedTopics } from './topics.js';

/**
 * The running system's services (as `npm start` runs them) under an isolated home, topic prefix and
 * analytics database, on the stack the tests share: every port free or disabled, the stack's
 * ClickHouse credentials. `env` is what `servicesUp(config, logger, env)` needs beside it.
 */
export async function isolatedSystem(
  name: string,
  logger: Logger,
): Promise<{ config: InfraConfig; port: number; env: NodeJS.ProcessEnv }> {
  const stackHome = testConfig().home;
  const config = {
    ...(await isolatedTopics(name)),
    home: mkdtempSync(join(tmpdir(), `tsunagi-${name}-`)),
    CLICKHOUSE_DATABASE: `${name.replace(/[^a-z0-9]/g, '_')}_${Date.now().toString(36)}`,
  };
  await provisionAnalytics(config, logger, 10);
  const port = await freePort();
  const env = {
    GATEWAY_PORT: String(port),
    PROJECTION_METRICS_PORT: '0',
    // The analytics sink writes this run's own database, with the stack's ClickHouse credentials.
    CLICKHOUSE_DATABASE: config.CLICKHOUSE_DATABASE,
    ANALYTICS_METRICS_PORT: '0',
    TSUNAGI_TRAIL_LOG_METRICS_PORT: '0',
    ANALYTICS_CREDENTIALS_FILE: credentialsFile({ home: stackHome }, readAnalyticsSettings({})),
  };
  return { config, port, env };
}

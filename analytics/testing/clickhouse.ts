import { randomBytes } from 'node:crypto';
import { createClickhouse } from '../../platform/clickhouse.js';
import type { InfraConfig } from '../../platform/config.js';
import type { TsunagiEvent } from '../../schemas/events.js';
import { testLogger, testStore } from '../../tests/support/infra.js';
import { isolatedTopics } from '../../tests/support/topics.js';
import { analyticsDatabases } from '../ddl.js';
import { createSinkMetrics } from '../metrics.js';
import { provisionAnalytics } from '../provision.js';
import { readAnalyticsSettings } from '../settings.js';
import { wireSink } from '../wiring.js';

/** Integration helpers: unique topics and a unique ClickHouse database per test file. */
export async function isolatedAnalytics(name: string, k = 10): Promise<InfraConfig> {
  const config = {
    ...(await isolatedTopics(name)),
    CLICKHOUSE_DATABASE: `test_${name}_${Date.now().toString(36)}${randomBytes(2).toString('hex')}`,
  };
  await provisionAnalytics(config, testLogger(), k);
  return config;
}

export async function dropAnalytics(config: InfraConfig): Promise<void> {
  const admin = createClickhouse(config);
  const dbs = analyticsDatabases(config.CLICKHOUSE_DATABASE);
  await admin.command({ query: `DROP DATABASE IF EXISTS ${dbs.reports}` }).catch(() => undefined);
  await admin.command({ query: `DROP DATABASE IF EXISTS ${dbs.facts}` }).catch(() => undefined);
  await admin.close();
}

export async function publish(config: InfraConfig, events: readonly TsunagiEvent[]): Promise<void> {
  const store = testStore(config);
  try {
    for (let i = 0; i < events.length; i += 2000) await store.append(events.slice(i, i + 2000));
  } finally {
    await store.close();
  }
}

/** A sink as the local admin (the test's unique database is not in users.xml), fast retries. */
export function testSink(config: InfraConfig) {
  const metrics = createSinkMetrics();
  const store = testStore(config);
  const wired = wireSink({
    config,
    settings: { ...readAnalyticsSettings(), ANALYTICS_RETRY_MAX_MS: 1000 },
    store,
    logger: testLogger(),
    metrics,
    login: 'admin',
    retryInitialMs: 100,
  });
  const sink = {
    start: () => wired.start(),
    async stop() {
      await wired.stop();
      await store.close();
    },
  };
  return { sink, metrics };
}

/** Rows of a query as the local admin. */
export async function adminQuery<T>(config: InfraConfig, query: string): Promise<T[]> {
  const admin = createClickhouse(config);
  try {
    return await (await admin.query({ query, format: 'JSONEachRow' })).json<T>();
  } finally {
    await admin.close();
  }
}

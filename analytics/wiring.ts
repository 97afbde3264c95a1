import { randomUUID } from 'node:crypto';
import { createClickhouse } from '../platform/clickhouse.js';
import type { InfraConfig } from '../platform/config.js';
import { CONSUMER_GROUPS } from '../platform/consumer-groups.js';
import type { EventStore } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';
import { Topics } from '../schemas/topics.js';
import { CLICKHOUSE_USERS, readPasswords } from './clickhouse-users.js';
import { storeEventSource } from './event-source.js';
import { clickhouseFactWriter } from './fact-writer.js';
import type { SinkMetrics } from './metrics.js';
import { type AnalyticsSettings, credentialsFile } from './settings.js';
import { createAnalyticsSink } from './sink.js';

/** The topics analytics reads (the `analytics` Kafka principal's). */
export const SINK_TOPICS = [Topics.accessTrail, Topics.residentRecords, Topics.consents, Topics.ingestRuns];

/** One consumer group per topic prefix and database: a new database is filled from the beginning. */
export const sinkGroupId = (config: Pick<InfraConfig, 'TOPIC_PREFIX' | 'CLICKHOUSE_DATABASE'>): string =>
  `${CONSUMER_GROUPS.analytics.prefix}${config.TOPIC_PREFIX}${config.CLICKHOUSE_DATABASE}`;

/** The sink as the writer user; `login: 'admin'` (tests, bench) connects as the local admin. */
export function wireSink(options: {
  config: InfraConfig;
  settings: AnalyticsSettings;
  store: Pick<EventStore, 'follow'>;
  logger: Logger;
  metrics: SinkMetrics;
  login?: 'sink' | 'admin';
  retryInitialMs?: number;
}) {
  const { config, settings, logger, metrics } = options;
  const login =
    options.login === 'admin'
      ? {}
      : { username: CLICKHOUSE_USERS.sink, password: readPasswords(credentialsFile(config, settings)).sink };
  // Its own HTTP session: the writer's staging tables are temporary tables of that session.
  const client = createClickhouse(config, undefined, { ...login, sessionId: `tsunagi-sink-${randomUUID()}` });
  const source = storeEventSource({
    store: options.store,
    topics: SINK_TOPICS,
    group: sinkGroupId(config),
    fetchMaxBytes: settings.ANALYTICS_FETCH_MAX_BYTES,
    onUndecodable: (topic) => metrics.undecodable.inc({ topic }),
  });
  const sink = createAnalyticsSink({
    source,
    writer: clickhouseFactWriter(client, config.CLICKHOUSE_DATABASE),
    metrics,
    logger: logger.child({ component: 'analytics-sink' }),
    retryMaxMs: settings.ANALYTICS_RETRY_MAX_MS,
    ...(options.retryInitialMs === undefined ? {} : { retryInitialMs: options.retryInitialMs }),
  });
  return {
    start: () => sink.start(),
    async stop() {
      await sink.stop();
      await client.close();
    },
  };
}

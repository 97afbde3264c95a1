import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { createClickhouse } from '../platform/clickhouse.js';
import type { InfraConfig } from '../platform/config.js';
import type { EventWire } from '../platform/event-wire.js';
import type { Logger } from '../platform/logger.js';
import { Topics, topicName } from '../schemas/topics.js';
import { CLICKHOUSE_USERS, readPasswords } from './clickhouse-users.js';
import { kafkaEventSource } from './event-source.js';
import { clickhouseFactWriter } from './fact-writer.js';
import type { SinkMetrics } from './metrics.js';
import { type AnalyticsSettings, credentialsFile } from './settings.js';
import { createAnalyticsSink } from './sink.js';

/** The topics analytics reads (the planned `analytics` Kafka principal's). */
export const sinkTopics = (prefix: string): string[] =>
  [Topics.accessTrail, Topics.residentRecords, Topics.consents, Topics.ingestRuns].map((t) =>
    topicName(prefix, t),
  );

/** One consumer group per topic prefix and database: a new database is filled from the beginning. */
export const sinkGroupId = (config: Pick<InfraConfig, 'TOPIC_PREFIX' | 'CLICKHOUSE_DATABASE'>): string =>
  `analytics-sink.${config.TOPIC_PREFIX}${config.CLICKHOUSE_DATABASE}`;

/** The sink as the writer user; `login: 'admin'` (tests, bench) connects as the local admin. */
export function wireSink(options: {
  config: InfraConfig;
  settings: AnalyticsSettings;
  kafka: Kafka;
  wire: Pick<EventWire, 'decode'>;
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
  const source = kafkaEventSource({
    kafka: options.kafka,
    topics: sinkTopics(config.TOPIC_PREFIX),
    groupId: sinkGroupId(config),
    wire: options.wire,
    logger,
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

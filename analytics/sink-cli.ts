import { TsunagiError } from '../core/errors.js';
import { loadInfraConfig } from '../platform/config.js';
import { openEventStore } from '../platform/event-store.js';
import { createLogger } from '../platform/logger.js';
import { serveMetrics } from '../platform/metrics-server.js';
import { createSinkMetrics } from './metrics.js';
import { readAnalyticsSettings } from './settings.js';
import { sinkGroupId, wireSink } from './wiring.js';

/**
 * `tsx analytics/sink-cli.ts` runs the analytics sink (Kafka → ClickHouse facts) until SIGTERM/SIGINT,
 * as the `tsunagi_sink` ClickHouse user, with its metrics on 127.0.0.1:ANALYTICS_METRICS_PORT.
 */
async function main(): Promise<void> {
  const config = loadInfraConfig();
  const settings = readAnalyticsSettings();
  const logger = createLogger({ name: 'analytics', level: config.LOG_LEVEL });
  const store = openEventStore(config, logger, {
    principal: 'analytics',
    clientId: 'tsunagi-analytics',
    deadLetterProducer: 'analytics',
  });
  const metrics = createSinkMetrics();
  const sink = wireSink({ config, settings, store, logger, metrics });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping the analytics sink');
    await sink.stop().catch(() => undefined);
    await store.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await sink.start();
  if (settings.ANALYTICS_METRICS_PORT > 0)
    await serveMetrics(metrics.registry, settings.ANALYTICS_METRICS_PORT);
  logger.info(
    {
      database: config.CLICKHOUSE_DATABASE,
      group: sinkGroupId(config),
      metricsPort: settings.ANALYTICS_METRICS_PORT,
    },
    'analytics sink running',
  );
}

main().catch((error: unknown) => {
  const message = error instanceof TsunagiError ? `${error.code}: ${error.message}` : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(1);
});

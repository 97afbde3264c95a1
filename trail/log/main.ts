import { loadInfraConfig } from '../../platform/config.js';
import { openEventStore } from '../../platform/event-store.js';
import { createLogger } from '../../platform/logger.js';
import { serveMetrics } from '../../platform/metrics-server.js';
import { demoKeyFiles, loadTrailLogConfig } from './config.js';
import { startTrailLogService } from './service.js';
import { openTrailLogStore } from './store.js';

/**
 * `npx tsx trail/log/main.ts`: the trail-log service (follower, checkpoint publisher, metrics).
 * SIGINT/SIGTERM stop it; a gap or divergence in the trail stops it with exit code 1.
 */
async function main(): Promise<void> {
  const infra = loadInfraConfig();
  const logger = createLogger({ name: 'trail-log', level: infra.LOG_LEVEL });
  const config = loadTrailLogConfig(infra.home);
  const store = openTrailLogStore(config.storeDir);
  const log = openEventStore(infra, logger, {
    principal: 'trail-log',
    clientId: 'tsunagi-trail-log',
    deadLetterProducer: 'trail-log',
  });
  const service = await startTrailLogService({
    log,
    store,
    signer: config.signer,
    subjects: config.subjects,
    checkpointIntervalMs: config.checkpointIntervalMs,
    logger,
  });
  const server = await serveMetrics(service.metrics, config.metricsPort);
  logger.info(
    {
      origin: config.signer.name,
      verifierKey: config.signer.verifierKey,
      ...(config.demoKey ? { verifierKeyFile: demoKeyFiles(infra.home).verifier } : {}),
      store: config.storeDir,
      metrics: `http://127.0.0.1:${config.metricsPort}/metrics`,
      ...(await service.status()),
    },
    'trail log running',
  );
  const stop = async (code: number) => {
    server.close();
    await service.stop();
    await log.close();
    await store.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  service.following.then(
    () => stop(0),
    () => stop(1),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { parseArgs } from 'node:util';
import { isTsunagiError, TsunagiError } from '../core/errors.js';
import { loadInfraConfig } from '../platform/config.js';
import { openEventStore } from '../platform/event-store.js';
import { createLogger } from '../platform/logger.js';
import { serveMetrics } from '../platform/metrics-server.js';
import {
  isProjectionName,
  PROJECTION_NAMES,
  type ProjectionName,
  projectionStoreRoot,
  readProjectionSettings,
  VIEWS,
} from './catalogue.js';
import { createLmdbRunner } from './lmdb-runner.js';
import { createProjectionMetrics } from './metrics.js';
import { replayView } from './replay.js';

/**
 * `tsx projections/cli.ts run [--only <view>]... [--store DIR]` runs the projections until SIGTERM/SIGINT.
 * `tsx projections/cli.ts replay <view> [--store DIR]` rebuilds one view from offset zero and promotes it.
 * Topics come from TOPIC_PREFIX (platform/config.ts); the store root from PROJECTION_STORE_DIR or --store.
 */
const USAGE = `usage: projections/cli.ts run [--only VIEW]... [--store DIR]
       projections/cli.ts replay VIEW [--store DIR]
views: ${PROJECTION_NAMES.join(', ')}`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { store: { type: 'string' }, only: { type: 'string', multiple: true } },
  });
  const [command, view] = positionals;
  const config = loadInfraConfig();
  const settings = readProjectionSettings();
  const logger = createLogger({ name: 'projections', level: config.LOG_LEVEL });
  const storeRoot = values.store ?? projectionStoreRoot(config, settings);
  const store = openEventStore(config, logger, {
    principal: 'projector',
    clientId: 'tsunagi-projections',
    deadLetterProducer: 'projector',
  });

  if (command === 'replay') {
    if (!view || !isProjectionName(view)) throw new TsunagiError('INPUT_INVALID', USAGE, { path: 'view' });
    const result = await replayView({ view: VIEWS[view], store, storeRoot, logger });
    const rate = Math.round(result.records / (result.elapsedMs / 1000));
    logger.info(
      { view, records: result.records, elapsedMs: Math.round(result.elapsedMs), rate },
      'replayed and promoted',
    );
    await store.close();
    return;
  }
  if (command !== 'run') throw new TsunagiError('INPUT_INVALID', USAGE, { path: 'command' });

  const only = values.only ?? [...PROJECTION_NAMES];
  const unknown = only.find((name) => !isProjectionName(name));
  if (unknown !== undefined) throw new TsunagiError('INPUT_INVALID', USAGE, { path: 'only' });
  const metrics = createProjectionMetrics();
  const runners = (only as ProjectionName[]).map((name) =>
    createLmdbRunner({
      view: VIEWS[name],
      store,
      storeRoot,
      logger,
      metrics,
      fetchMaxBytes: settings.PROJECTION_FETCH_MAX_BYTES,
    }),
  );
  let stopping = false;
  const shutdown = async (exitCode: number) => {
    await Promise.allSettled(runners.map((runner) => runner.stop()));
    await store.close();
    process.exit(exitCode);
  };
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping projections');
    await shutdown(0);
  };
  // A projection whose reader stopped on an error (a full store) stops the process: exit 1, the error
  // on stderr; nothing of the failed batch was stored, so a restart resumes right after the last one.
  const failed = async (projection: string, error: unknown) => {
    if (stopping) return;
    stopping = true;
    const code = isTsunagiError(error) ? error.code : 'INTERNAL';
    logger.fatal({ projection, code, err: { message: describe(error) } }, 'projection stopped on an error');
    process.stderr.write(`projector stopped: ${describe(error)}\n`);
    await shutdown(1);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  runners.forEach((runner, i) => {
    runner.finished.catch((error: unknown) => failed(only[i] ?? '', error));
  });
  try {
    for (const runner of runners) await runner.start();
  } catch (error) {
    // A projection that failed while the next ones started closed their stores: `failed` exits.
    if (stopping) return;
    throw error;
  }
  if (settings.PROJECTION_METRICS_PORT > 0)
    await serveMetrics(metrics.registry, settings.PROJECTION_METRICS_PORT);
  logger.info(
    { projections: only.length, storeRoot, metricsPort: settings.PROJECTION_METRICS_PORT },
    'projections running',
  );
}

const describe = (error: unknown): string =>
  isTsunagiError(error) ? `${error.code}: ${error.message}` : String(error);

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${describe(error)}\n`);
  process.exit(1);
});

import { rmSync } from 'node:fs';
import { provision } from '../../../infra/provision.js';
import { ensureUp } from '../../../infra/service.js';
import { createLogger } from '../../../platform/logger.js';
import { stopServers } from './brokers.js';
import { faultConfig, faultServers, shareDownloadCache } from './fault-env.js';
import { systemsDir } from './fault-system.js';
import { figuresFile } from './figures.js';

/**
 * The fault tier's own three-broker cluster and schema registry (fault-env.ts): brought up here
 * (reusing any already running from a KEEP_INFRA=1 run), provisioned without ClickHouse, and at the
 * end stopped if this run started them, by their recorded PIDs. The figures of the previous run are
 * cleared, so the summary holds this run's only.
 */
export async function setup(): Promise<() => Promise<void>> {
  const config = faultConfig();
  shareDownloadCache(config);
  rmSync(figuresFile(config), { force: true });
  rmSync(systemsDir(config), { recursive: true, force: true });
  const logger = createLogger({ name: 'fault-infra', level: process.env.LOG_LEVEL ?? 'warn' });
  const began = Date.now();
  const servers = faultServers(config);
  const outcomes = await Promise.all(servers.map(async (s) => [s, await ensureUp(s, logger)] as const));
  await provision(config, logger, { analytics: false });
  const started = outcomes.filter(([, outcome]) => outcome === 'started').map(([s]) => s);
  console.log(
    `fault tier: Kafka ${config.kafkaBrokers.join(', ')} (3 nodes, RF 3, min ISR 2) and registry ${config.registryUrl} ` +
      `ready in ${((Date.now() - began) / 1000).toFixed(1)} s (started: ${started.map((s) => s.name).join(', ') || 'none'}); home ${config.home}`,
  );
  return async () => {
    if (process.env.KEEP_INFRA === '1') return;
    // Whatever the tests left running or restarted is stopped too: every server of this home.
    const stopped = await stopServers(faultServers(config));
    if (stopped.length > 0) console.log(`fault tier: stopped ${stopped.join(', ')}`);
  };
}

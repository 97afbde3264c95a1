import { rmSync } from 'node:fs';
import type { InfraConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { appServices } from './app-services.js';
import { clickhouseService } from './clickhouse.js';
import { kafkaServices, kafkaServicesOfEitherLayout } from './kafka.js';
import { infraPaths } from './paths.js';
import { runningPid, stopProcess } from './process.js';
import { registryService } from './registry.js';
import { ensureUp, type InfraService, serviceState } from './service.js';

/** Start order matters only for humans reading the log; each service is independent. */
export const infraServices = (config: InfraConfig): InfraService[] => [
  ...kafkaServices(config),
  registryService(config),
  clickhouseService(config),
];

export interface UpReport {
  started: string[];
  alreadyUp: string[];
  elapsedMs: number;
}

/**
 * Brings every service up; idempotent. Kafka and ClickHouse start while the registry
 * (the slowest, ~10 s of JVM start-up) warms up, so the three start concurrently.
 */
export async function infraUp(config: InfraConfig, logger: Logger): Promise<UpReport> {
  const began = Date.now();
  const services = infraServices(config);
  const outcomes = await Promise.all(services.map(async (s) => [s.name, await ensureUp(s, logger)] as const));
  const report: UpReport = {
    started: outcomes.filter(([, o]) => o === 'started').map(([n]) => n),
    alreadyUp: outcomes.filter(([, o]) => o === 'already-up').map(([n]) => n),
    elapsedMs: Date.now() - began,
  };
  for (const s of services)
    logger.info({ service: s.name, endpoint: s.endpoint, log: s.process.logFile }, 'up');
  return report;
}

/** Starts Tsunagi's own services (projector, gateway, ...) once the infrastructure is up. */
export async function servicesUp(
  config: InfraConfig,
  logger: Logger,
  env: NodeJS.ProcessEnv = {},
): Promise<UpReport> {
  const began = Date.now();
  const started: string[] = [];
  const alreadyUp: string[] = [];
  for (const s of appServices(config, env)) {
    (await ensureUp(s, logger)) === 'started' ? started.push(s.name) : alreadyUp.push(s.name);
    logger.info({ service: s.name, endpoint: s.endpoint, log: s.process.logFile }, 'up');
  }
  return { started, alreadyUp, elapsedMs: Date.now() - began };
}

/** Stops Tsunagi's own services (not the infrastructure), by their recorded PIDs. */
export async function servicesDown(config: InfraConfig, logger: Logger): Promise<string[]> {
  const stopped: string[] = [];
  for (const s of appServices(config).reverse()) if (await stopProcess(s.process)) stopped.push(s.name);
  if (stopped.length > 0) logger.info({ stopped }, 'services stopped');
  return stopped;
}

/** Stops only the processes infra/ started, by their recorded PIDs: our services first, then the servers. */
export async function infraDown(config: InfraConfig, logger: Logger): Promise<string[]> {
  const stopped: string[] = [];
  const servers = [
    clickhouseService(config),
    registryService(config),
    ...kafkaServicesOfEitherLayout(config),
  ];
  for (const s of [...appServices(config).reverse(), ...servers]) {
    const pid = runningPid(s.process);
    if (await stopProcess(s.process)) {
      stopped.push(s.name);
      logger.info({ service: s.name, pid }, 'stopped');
    }
  }
  return stopped;
}

export async function infraStatus(config: InfraConfig) {
  return Promise.all(
    [...infraServices(config), ...appServices(config)].map(async (s) => ({
      service: s.name,
      state: await serviceState(s),
      pid: runningPid(s.process) ?? null,
      endpoint: s.endpoint,
      log: s.process.logFile,
    })),
  );
}

/**
 * Stops everything and deletes all data under TSUNAGI_HOME/data: the servers' and every
 * local store derived from them (identity, views, checkpoints). The download cache stays.
 */
export async function infraReset(config: InfraConfig, logger: Logger): Promise<void> {
  await infraDown(config, logger);
  rmSync(infraPaths(config.home).data(''), { recursive: true, force: true });
  logger.info({ home: config.home }, 'data removed; the download cache is kept');
}

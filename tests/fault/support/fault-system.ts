import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { appServices, gatewayInstanceService } from '../../../infra/app-services.js';
import { runningPid, stopProcess } from '../../../infra/process.js';
import { provisionKafka } from '../../../infra/provision.js';
import { ensureUp, type InfraService } from '../../../infra/service.js';
import type { InfraConfig } from '../../../platform/config.js';
import { createKafka } from '../../../platform/kafka.js';
import { createLogger, type Logger } from '../../../platform/logger.js';
import { gatewayTlsEnv } from '../../../scripts/demo-pki.js';
import { freePort } from '../../support/free-port.js';
import {
  type ClusterControl,
  clusterControl,
  type RegistryControl,
  registryControl,
  sigkill,
} from './brokers.js';
import { faultConfig, faultEnv, REPOSITORY } from './fault-env.js';

/** Where the systems of a run keep their homes (cleared by the tier's global setup). */
export const systemsDir = (config: Pick<InfraConfig, 'home'>): string => {
  const dir = join(config.home, 'systems');
  mkdirSync(dir, { recursive: true });
  return dir;
};

export type ServiceName = 'projector' | 'subscriptions' | 'gateway' | 'gateway-2';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * One test file's Tsunagi on the fault cluster, run as `npm start` runs it: its own topic prefix
 * (every topic provisioned with replication factor 3 and the ACL table), its own home for the
 * services' stores, identity and logs, the projector, subscription service and gateway as their own
 * processes with their own principals, and the command-line tools as child processes. Faults are
 * injected into these processes and the cluster's; results are read from outside (topics, views,
 * HTTP answers).
 */
export interface FaultSystem {
  name: string;
  config: InfraConfig;
  /** What every service and command of this system runs with. */
  env: NodeJS.ProcessEnv;
  gatewayPort: number;
  /** With `gateways: 2`: the second instance's port (service `gateway-2`), else undefined. */
  secondGatewayPort: number | undefined;
  projectorMetricsPort: number;
  logger: Logger;
  cluster: ClusterControl;
  /** The tier's registry (shared by every file: a test that stops it starts it again). */
  registry: RegistryControl;
  service(name: ServiceName): InfraService;
  start(...names: ServiceName[]): Promise<void>;
  /** SIGKILL; returns the PID that was killed. */
  kill(name: ServiceName): Promise<number>;
  pid(name: ServiceName): number | undefined;
  /**
   * Runs `npx tsx <script> ...args` from the repository with this system's environment; with
   * `fileSizeLimitBytes`, under that RLIMIT_FSIZE (`prlimit`, util-linux): no file it writes grows
   * past it, as on a full disk; `signal` aborts it (SIGTERM).
   */
  cli(
    script: string,
    args: string[],
    extraEnv?: NodeJS.ProcessEnv,
    options?: { fileSizeLimitBytes?: number; signal?: AbortSignal },
  ): Promise<CliResult>;
  stop(): Promise<void>;
}

/**
 * Settings that would point a system's processes at stores outside its own home. The services and
 * commands inherit this worker's environment, so a developer's values are dropped here.
 */
const HOME_OVERRIDES = [
  'PROJECTION_STORE_DIR',
  'TSUNAGI_IDENTITY_DIR',
  'TSUNAGI_TRAIL_LOG_DIR',
  'TSUNAGI_HUB_KEYS',
  'TSUNAGI_VAULT_KEYS',
];

export interface FaultSystemOptions {
  /** Gateway instances: 2 adds `gateway-2` on its own port, beside `gateway` (docs/gateway.md). */
  gateways?: 1 | 2;
  /** More settings for every service, made once the system's home exists (e.g. its demo JPKI). */
  env?: (config: InfraConfig) => Promise<NodeJS.ProcessEnv> | NodeJS.ProcessEnv;
}

export async function startFaultSystem(name: string, options: FaultSystemOptions = {}): Promise<FaultSystem> {
  for (const variable of HOME_OVERRIDES) delete process.env[variable];
  const logger = createLogger({ name: `fault-${name}`, level: process.env.LOG_LEVEL ?? 'warn' });
  const base = faultConfig();
  const config: InfraConfig = {
    ...base,
    // Under the fault home, so a failed run's logs and stores can be read; the next run clears them.
    home: mkdtempSync(join(systemsDir(base), `${name}-`)),
    TOPIC_PREFIX: `fault.${name}.${Date.now().toString(36)}${randomBytes(2).toString('hex')}.`,
  };
  const admin = createKafka(config, logger, { principal: 'admin', clientId: 'fault-provision' }).admin();
  await admin.connect();
  try {
    await provisionKafka(admin, config, logger);
  } finally {
    await admin.disconnect();
  }
  const [gatewayPort, projectorMetricsPort] = [await freePort(), await freePort()];
  const secondGatewayPort = options.gateways === 2 ? await freePort() : undefined;
  const env: NodeJS.ProcessEnv = {
    ...faultEnv(),
    TSUNAGI_HOME: config.home,
    TOPIC_PREFIX: config.TOPIC_PREFIX,
    KAFKA_SECRETS_DIR: config.kafkaSecretsDir,
    GATEWAY_PORT: String(gatewayPort),
    PROJECTION_METRICS_PORT: String(projectorMetricsPort),
    LOG_LEVEL: process.env.FAULT_SERVICE_LOG_LEVEL ?? 'info',
    ...(await gatewayTlsEnv(config, {})),
    ...(await options.env?.(config)),
  };
  const services = Object.fromEntries(
    [
      ...appServices(config, env),
      ...(secondGatewayPort
        ? [gatewayInstanceService(config, { ...env, GATEWAY_PORT: String(secondGatewayPort) }, 2)]
        : []),
    ]
      .filter((s) => s.name !== 'analytics')
      .map((s) => [s.name, s]),
  ) as Record<ServiceName, InfraService>;

  return {
    name,
    config,
    env,
    gatewayPort,
    secondGatewayPort,
    projectorMetricsPort,
    logger,
    cluster: clusterControl(base, logger),
    registry: registryControl(base, logger),
    service: (n) => services[n],
    async start(...names) {
      for (const n of names) await ensureUp(services[n], logger);
    },
    kill: (n) => sigkill(services[n]),
    pid: (n) => runningPid(services[n].process),
    cli(script, args, extraEnv = {}, options = {}) {
      const node = [process.execPath, '--import', 'tsx', script, ...args];
      const limit = options.fileSizeLimitBytes;
      const [command, ...rest] = limit === undefined ? node : ['prlimit', `--fsize=${limit}`, '--', ...node];
      return new Promise((resolve, reject) => {
        const child = spawn(command as string, rest, {
          cwd: REPOSITORY,
          ...(options.signal ? { signal: options.signal } : {}),
          env: { ...process.env, ...env, LOG_LEVEL: 'warn', ...extraEnv },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
        });
        child.stderr.on('data', (chunk) => {
          stderr += chunk;
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
    async stop() {
      for (const s of Object.values(services).reverse()) await stopProcess(s.process);
      // The cluster keeps no test's topics: a broker restarted later recovers only what is in use.
      const cleanup = createKafka(config, logger, { principal: 'admin', clientId: 'fault-cleanup' }).admin();
      await cleanup.connect();
      try {
        const topics = (await cleanup.listTopics()).filter((t) => t.startsWith(config.TOPIC_PREFIX));
        if (topics.length > 0) await cleanup.deleteTopics({ topics, timeout: 30_000 });
      } finally {
        await cleanup.disconnect();
      }
    },
  };
}

import { existsSync, readFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import type { InfraConfig } from '../platform/config.js';
import { infraPaths } from './paths.js';
import { runningPid, startDetached } from './process.js';
import type { InfraService } from './service.js';

const ROOT = resolve(import.meta.dirname, '..');

/** A Tsunagi service process: a TypeScript entry point run with tsx, ready when its log says so. */
interface AppServiceSpec {
  name: string;
  /** Entry point relative to the repository root. */
  script: string;
  args?: string[];
  ports?: number[];
  /** A log message (pino `msg`) the service writes once it is serving. */
  readyMessage: string;
  endpoint: string;
  env?: NodeJS.ProcessEnv;
}

function appService(config: InfraConfig, spec: AppServiceSpec): InfraService {
  const paths = infraPaths(config.home);
  const script = resolve(ROOT, spec.script);
  const logFile = paths.log(spec.name);
  const service: InfraService = {
    name: spec.name,
    // The absolute script path marks the process as ours (another checkout has another path).
    process: { name: spec.name, pidFile: paths.pidFile(spec.name), logFile, marker: script },
    ports: spec.ports ?? [],
    startupTimeoutMs: 60_000,
    endpoint: spec.endpoint,
    async prepare() {},
    launch() {
      // Each start gets a fresh log, so readiness reads this run's lines only.
      if (existsSync(logFile)) renameSync(logFile, `${logFile}.1`);
      return startDetached(
        service.process,
        process.execPath,
        ['--import', 'tsx', script, ...(spec.args ?? [])],
        {
          cwd: ROOT,
          // The Kafka secrets stay where infra/ issued them, also when a test runs the services
          // under a throw-away home; each service picks its own principal's files from there.
          env: {
            ...process.env,
            ...spec.env,
            TSUNAGI_HOME: config.home,
            TOPIC_PREFIX: config.TOPIC_PREFIX,
            KAFKA_SECRETS_DIR: config.kafkaSecretsDir,
          },
        },
      );
    },
    async isReady() {
      if (runningPid(service.process) === undefined || !existsSync(logFile)) return false;
      return readFileSync(logFile, 'utf8').includes(`"msg":"${spec.readyMessage}"`);
    },
  };
  return service;
}

export const gatewayPort = (env: NodeJS.ProcessEnv = {}): number =>
  Number(env.GATEWAY_PORT ?? process.env.GATEWAY_PORT ?? 8443);

/** The services `npm start` runs beside the infrastructure; `npm run infra -- down` stops them first. */
export const appServices = (config: InfraConfig, env: NodeJS.ProcessEnv = {}): InfraService[] => [
  appService(config, {
    name: 'projector',
    script: 'projections/cli.ts',
    args: ['run'],
    readyMessage: 'projections running',
    env,
    endpoint: `views under ${infraPaths(config.home).data('projections')}; metrics http://127.0.0.1:${process.env.PROJECTION_METRICS_PORT ?? 9464}/metrics`,
  }),
  appService(config, {
    name: 'analytics',
    script: 'analytics/sink-cli.ts',
    readyMessage: 'analytics sink running',
    env,
    endpoint: `ClickHouse ${config.CLICKHOUSE_DATABASE} (facts) / ${config.CLICKHOUSE_DATABASE}_reports (analyst); metrics http://127.0.0.1:${env.ANALYTICS_METRICS_PORT ?? process.env.ANALYTICS_METRICS_PORT ?? 9466}/metrics`,
  }),
  appService(config, {
    name: 'subscriptions',
    script: 'consumers/cli.ts',
    args: ['run'],
    readyMessage: 'subscription service running',
    endpoint: `agency topics ${config.TOPIC_PREFIX}agency.<agency>.notifications`,
    env,
  }),
  // Before the gateway: the gateway reads checkpoints, proofs and entries from this service's store.
  appService(config, {
    name: 'trail-log',
    script: 'trail/log/main.ts',
    readyMessage: 'trail log running',
    env,
    endpoint: `Merkle log of the access trail under ${infraPaths(config.home).data('trail-log')}; checkpoints on ${config.TOPIC_PREFIX}trail-checkpoints; metrics http://127.0.0.1:${env.TSUNAGI_TRAIL_LOG_METRICS_PORT ?? process.env.TSUNAGI_TRAIL_LOG_METRICS_PORT ?? 9465}/metrics`,
  }),
  appService(config, {
    name: 'notices',
    script: 'notices/cli.ts',
    args: ['run'],
    readyMessage: 'notices service running',
    endpoint: `eligibility notices on ${config.TOPIC_PREFIX}notices and the agencies' topics; outbox ${infraPaths(config.home).data('notices-outbox')}/outbox.jsonl`,
    env,
  }),
  appService(config, {
    name: 'gateway',
    script: 'gateway/main.ts',
    ports: [gatewayPort(env)],
    readyMessage: 'gateway listening',
    endpoint: `https://127.0.0.1:${gatewayPort(env)} (mutual TLS; OpenAPI at /docs; resident page at /resident/)`,
    env,
  }),
];

/**
 * One more gateway instance on this host (docs/gateway.md, "Several instances"): its own name, port
 * (GATEWAY_PORT in `env`), PID file and log, and its instance id in the session ledger. It reads the
 * same home's stores as the first (the projector's views, the identity store), which lmdb allows.
 */
export const gatewayInstanceService = (
  config: InfraConfig,
  env: NodeJS.ProcessEnv,
  instance: number,
): InfraService =>
  appService(config, {
    name: `gateway-${instance}`,
    script: 'gateway/main.ts',
    ports: [gatewayPort(env)],
    readyMessage: 'gateway listening',
    endpoint: `https://127.0.0.1:${gatewayPort(env)} (gateway instance ${instance})`,
    env: { GATEWAY_INSTANCE_ID: `gateway-${instance}`, ...env },
  });

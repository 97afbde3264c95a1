import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { appServices } from '../../infra/app-services.js';
import { runningPid, stopProcess } from '../../infra/process.js';
import { provisionKafka } from '../../infra/provision.js';
import { ensureUp, type InfraService, serviceState } from '../../infra/service.js';
import { infraServices, infraUp } from '../../infra/stack.js';
import { type InfraConfig, loadInfraConfig } from '../../platform/config.js';
import { createKafka } from '../../platform/kafka.js';
import type { Logger } from '../../platform/logger.js';
import { TOPIC_SPECS } from '../../schemas/topics.js';
import { type ProfileSummary, summariseProfile } from './profile-summary.js';
import { profilesDir } from './report.js';

const HOOK = resolve(import.meta.dirname, 'cpu-profile-hook.mjs');
export type ServiceName = 'projector' | 'analytics' | 'subscriptions' | 'gateway';

/**
 * The system's services as `npm start` runs them (infra/app-services.ts), under a throw-away home and
 * a unique topic prefix on the running stack, the way tests/support/isolated-system.ts does; with the
 * CPU-profile hook preloaded so a load window can be profiled. `close` stops what it started and
 * deletes the prefix's topics and the home.
 */
export interface BenchSystem {
  config: InfraConfig;
  profileDir: string;
  start(names: ServiceName[], env: NodeJS.ProcessEnv): Promise<void>;
  pid(name: ServiceName): number | undefined;
  /** Peak resident memory (VmHWM) of a running service, in MiB. */
  peakRssMiB(name: ServiceName): number | undefined;
  /** Runs `during` with the CPU profiler on in the named services; returns their summaries. */
  profile(names: ServiceName[], during: () => Promise<unknown>): Promise<ProfileSummary[]>;
  close(): Promise<void>;
}

export function peakRssMiBOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const hwm = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return hwm ? Math.round(Number(hwm[1]) / 1024) : undefined;
}

export type InfraServer = 'kafka' | 'registry' | 'clickhouse';

/**
 * Brings the servers a benchmark needs up through infra/ when one is down. A stack that answers is
 * left exactly as it is (never restarted for differing settings: it may be shared with others), also
 * when a server answers on its port from another home ("foreign"): that one is used, with a note.
 */
export async function ensureInfra(
  stack: InfraConfig,
  logger: Logger,
  needs: readonly InfraServer[],
): Promise<void> {
  const needed = infraServices(stack).filter((s) => needs.includes(s.name as InfraServer));
  const states = await Promise.all(needed.map(async (s) => [s.name, await serviceState(s)] as const));
  for (const [name, state] of states)
    if (state === 'foreign')
      console.log(`  note: ${name} answers on its port but was not started from this home; using it`);
  if (states.some(([, state]) => state === 'down' || state === 'starting')) await infraUp(stack, logger);
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export async function openBenchSystem(name: string, logger: Logger): Promise<BenchSystem> {
  const stack = loadInfraConfig();
  await ensureInfra(stack, logger, ['kafka', 'registry']);
  const home = mkdtempSync(join(tmpdir(), `tsunagi-bench-${name}-`));
  const config: InfraConfig = {
    ...stack,
    home,
    TOPIC_PREFIX: `bench.${name}.${Date.now().toString(36)}.`,
    TOPIC_REPLICATION_FACTOR: 1,
  };
  const admin = createKafka(config, logger, { principal: 'admin' }).admin();
  await admin.connect();
  await provisionKafka(admin, config, logger);
  await admin.disconnect();
  const profileDir = profilesDir(name);
  const running = new Map<ServiceName, InfraService>();
  const pid = (n: ServiceName) => {
    const service = running.get(n);
    return service ? runningPid(service.process) : undefined;
  };

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      for (const service of [...running.values()].reverse()) await stopProcess(service.process);
      const cleanup = createKafka(stack, logger, { principal: 'admin' }).admin();
      await cleanup.connect();
      await cleanup
        .deleteTopics({ topics: TOPIC_SPECS.map((t) => `${config.TOPIC_PREFIX}${t.name}`) })
        .catch(() => undefined);
      await cleanup.disconnect();
      if (!process.env.BENCH_KEEP) rmSync(home, { recursive: true, force: true });
    })();
    return closing;
  };
  // Interrupted: still stop the services this run started and remove its topics.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void close().finally(() => process.exit(130)));
  process.once('unhandledRejection', (error) => {
    console.error(error);
    void close().finally(() => process.exit(1));
  });

  return {
    config,
    profileDir,
    async start(names, env) {
      const all = appServices(config, {
        ...env,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${HOOK}`.trim(),
        BENCH_CPU_PROFILE_DIR: profileDir,
      });
      for (const service of all.filter((s) => names.includes(s.name as ServiceName))) {
        await ensureUp(service, logger);
        running.set(service.name as ServiceName, service);
      }
    },
    pid,
    peakRssMiB: (n) => peakRssMiBOf(pid(n)),
    async profile(names, during) {
      const pids = names.map((n) => [n, pid(n)] as const);
      for (const [, p] of pids) if (p) process.kill(p, 'SIGUSR2');
      await during();
      for (const [, p] of pids) if (p) process.kill(p, 'SIGUSR2');
      const summaries: ProfileSummary[] = [];
      for (const [n, p] of pids) {
        const mine = () => readdirSync(profileDir).find((f) => f.endsWith(`-${p}.cpuprofile`));
        for (let waited = 0; waited < 15_000 && !mine(); waited += 100) await sleep(100);
        const found = mine();
        if (found) summaries.push(summariseProfile(join(profileDir, found), n));
      }
      return summaries;
    },
    close,
  };
}

import { TsunagiError } from '../core/errors.js';
import type { Logger } from '../platform/logger.js';
import { type ManagedProcess, portOpen, runningPid, stopProcess, waitUntil } from './process.js';

/** One server that infra/ fetches, starts, checks and stops. */
export interface InfraService {
  name: string;
  process: ManagedProcess;
  ports: number[];
  startupTimeoutMs: number;
  /** Fetch or install what the service needs (cached) and prepare its data dir. Idempotent. */
  prepare(logger: Logger): Promise<void>;
  /** Spawns the server detached; returns its PID. */
  launch(): number;
  isReady(): Promise<boolean>;
  /** True when the running process was started with settings other than the current ones. */
  isStale?(): boolean;
  /** Post-start configuration that must hold on every `up` (idempotent). */
  configure?(logger: Logger): Promise<void>;
  /** Where it listens, for humans. */
  endpoint: string;
}

export type ServiceState = 'up' | 'starting' | 'down' | 'foreign';

export async function serviceState(service: InfraService): Promise<ServiceState> {
  const pid = runningPid(service.process);
  if (pid !== undefined) return (await service.isReady().catch(() => false)) ? 'up' : 'starting';
  for (const port of service.ports) if (await portOpen(port)) return 'foreign';
  return 'down';
}

/**
 * Brings a service up if it is not. Up already → nothing changes, unless it runs with outdated
 * settings, then it is restarted. Half-started (our
 * PID alive, not answering) → waits for it, and restarts it once if it never answers.
 * A port held by a process we did not start is reported, never touched.
 */
export async function ensureUp(service: InfraService, logger: Logger): Promise<'already-up' | 'started'> {
  let state = await serviceState(service);
  if ((state === 'up' || state === 'starting') && service.isStale?.()) {
    logger.warn({ service: service.name }, 'running with outdated settings; restarting it');
    await stopProcess(service.process);
    state = 'down';
  }
  if (state === 'up') {
    await service.configure?.(logger);
    return 'already-up';
  }
  if (state === 'foreign') {
    throw new TsunagiError(
      'INFRA_START_FAILED',
      `${service.name}: port ${service.ports.join('/')} is in use by a process infra/ did not start; stop it or choose other ports (see docs/configuration.md)`,
    );
  }
  const timeoutMs = service.startupTimeoutMs;
  const wait = (pid: number) =>
    waitUntil(service.name, () => service.isReady(), {
      timeoutMs,
      logFile: service.process.logFile,
      isStillRunning: () => runningPid(service.process) === pid,
    });
  if (state === 'starting') {
    const pid = runningPid(service.process) as number;
    logger.info({ service: service.name, pid }, 'found half-started; waiting for it');
    try {
      await wait(pid);
      await service.configure?.(logger);
      return 'started';
    } catch {
      logger.warn({ service: service.name, pid }, 'half-started process never answered; restarting it');
      await stopProcess(service.process);
    }
  }
  await service.prepare(logger);
  const pid = service.launch();
  logger.info({ service: service.name, pid, log: service.process.logFile }, 'starting');
  await wait(pid);
  await service.configure?.(logger);
  return 'started';
}

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TsunagiError } from '../core/errors.js';

/**
 * Starts long-running servers detached, records their PID, and stops only those.
 * A recorded PID counts as ours only while its command line still carries our
 * marker (the TSUNAGI_HOME path), so a recycled PID is never signalled.
 */
export interface ManagedProcess {
  name: string;
  pidFile: string;
  logFile: string;
  /** A string that appears in the command line of every process we start. */
  marker: string;
}

export function readPid(proc: ManagedProcess): number | undefined {
  if (!existsSync(proc.pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(proc.pidFile, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isOurs(pid: number, marker: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    return cmdline.includes(marker);
  } catch {
    return false;
  }
}

/** The PID of our running process, or undefined (a stale PID file is removed). */
export function runningPid(proc: ManagedProcess): number | undefined {
  const pid = readPid(proc);
  if (pid === undefined) return undefined;
  if (isOurs(pid, proc.marker)) return pid;
  rmSync(proc.pidFile, { force: true });
  return undefined;
}

export function startDetached(
  proc: ManagedProcess,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): number {
  mkdirSync(dirname(proc.logFile), { recursive: true });
  mkdirSync(dirname(proc.pidFile), { recursive: true });
  const out = openSync(proc.logFile, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  if (child.pid === undefined) {
    throw new TsunagiError('INFRA_START_FAILED', `${proc.name}: could not spawn ${command}`);
  }
  child.unref();
  writeFileSync(proc.pidFile, `${child.pid}\n`);
  return child.pid;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM, wait for a clean shutdown, then SIGKILL. Returns whether a process was stopped. */
export async function stopProcess(proc: ManagedProcess, graceMs = 20_000): Promise<boolean> {
  const pid = runningPid(proc);
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(200);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(100);
  rmSync(proc.pidFile, { force: true });
  return true;
}

export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; isStillRunning?: () => boolean; logFile?: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    if (options.isStillRunning && !options.isStillRunning()) {
      throw new TsunagiError('INFRA_START_FAILED', `${what} exited during start-up; see ${options.logFile}`);
    }
    await sleep(250);
  }
  throw new TsunagiError(
    'INFRA_START_FAILED',
    `${what} did not become ready within ${options.timeoutMs} ms; see ${options.logFile}`,
  );
}

/** Runs a command to completion, failing with its output tail on a non-zero exit. */
export function runToCompletion(
  command: string,
  args: string[],
  options: { cwd?: string; what: string },
): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error || result.status !== 0) {
    const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new TsunagiError(
      'INFRA_START_FAILED',
      `${options.what} failed (exit ${result.status}): ${result.error?.message ?? tail}`,
    );
  }
  return result.stdout;
}

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

export function requireTool(command: string, purpose: string, hint: string): void {
  if (!commandExists(command)) {
    throw new TsunagiError(
      'INFRA_TOOL_MISSING',
      `'${command}' is not installed; it is needed ${purpose}. ${hint}`,
    );
  }
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export async function portOpen(port: number): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

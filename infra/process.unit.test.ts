import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOurs, runningPid } from './process.js';

describe('recorded PIDs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagi-pid-'));

  it('treats a live PID whose command line lacks our marker as not ours, and drops the stale file', () => {
    const pidFile = join(dir, 'other.pid');
    writeFileSync(pidFile, `${process.pid}\n`);
    const proc = { name: 'x', pidFile, logFile: join(dir, 'x.log'), marker: '/no/such/tsunagi/home' };
    expect(isOurs(process.pid, proc.marker)).toBe(false);
    expect(runningPid(proc)).toBeUndefined();
  });

  it('recognises a live PID carrying our marker', () => {
    const pidFile = join(dir, 'self.pid');
    writeFileSync(pidFile, `${process.pid}\n`);
    const marker = process.argv[1] ?? 'node';
    expect(runningPid({ name: 'self', pidFile, logFile: join(dir, 'self.log'), marker })).toBe(process.pid);
  });

  it('ignores a missing or garbled PID file', () => {
    const pidFile = join(dir, 'garbled.pid');
    writeFileSync(pidFile, 'not a pid');
    expect(runningPid({ name: 'g', pidFile, logFile: '', marker: 'x' })).toBeUndefined();
    expect(
      runningPid({ name: 'm', pidFile: join(dir, 'missing.pid'), logFile: '', marker: 'x' }),
    ).toBeUndefined();
  });
});

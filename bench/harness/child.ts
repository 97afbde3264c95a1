import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** A TypeScript script of ours as its own Node process (tsx), output collected. */
export function runScript(
  script: string,
  args: string[],
  nodeArgs: string[] = [],
): { child: ChildProcess; done: Promise<string> } {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', resolve(ROOT, script), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const done = new Promise<string>((resolveDone, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolveDone(out) : reject(new Error(`${script} exited with ${code}: ${out.slice(-500)}`)),
    );
  });
  return { child, done };
}

/** Resolves once the child printed `line` (a server saying it listens). */
export function printed(child: ChildProcess, line: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolveSeen, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${line}" within ${timeoutMs} ms`)), timeoutMs);
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(line)) {
        clearTimeout(timer);
        resolveSeen();
      }
    });
  });
}

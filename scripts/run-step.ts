import { spawn } from 'node:child_process';

/** Runs a command with inherited output; resolves with its exit code. */
export function runStep(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(127));
  });
}

export const say = (message: string): void => console.log(`\n▶ ${message}`);

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

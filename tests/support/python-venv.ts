import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { infraPaths } from '../../infra/paths.js';

/** The stock client the interoperability test installs from PyPI: pinned, so a run is repeatable. */
export const STOCK_CLIENT_REQUIREMENT = 'confluent-kafka[avro]==2.16.1';

const run = promisify(execFile);

/**
 * A Python virtual environment holding the stock Confluent client, created ONCE in
 * `$TSUNAGI_HOME/cache/python-venv` (git-ignored) and reused while its pin matches. Returns the
 * venv's python. Fails with a clear message when python3 (with venv) is missing or pip cannot
 * install from PyPI.
 */
export async function stockPythonClient(home: string): Promise<string> {
  const dir = join(infraPaths(home).cache, 'python-venv');
  const python = join(dir, 'bin', 'python');
  const marker = join(dir, '.installed');
  if (
    existsSync(python) &&
    existsSync(marker) &&
    readFileSync(marker, 'utf8').trim() === STOCK_CLIENT_REQUIREMENT
  ) {
    return python;
  }
  console.log(
    `interop: first run: creating a Python virtual environment in ${dir} and installing ` +
      `${STOCK_CLIENT_REQUIREMENT} from PyPI (kept for later runs)`,
  );
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(infraPaths(home).cache, { recursive: true });
  await step(
    'python3',
    ['-m', 'venv', dir],
    2 * 60_000,
    'creating the virtual environment needs Python 3 with its venv module (Debian: apt-get install -y python3 python3-venv)',
  );
  await step(
    python,
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-input',
      '--timeout',
      '30',
      '--retries',
      '2',
      STOCK_CLIENT_REQUIREMENT,
    ],
    10 * 60_000,
    `pip could not install ${STOCK_CLIENT_REQUIREMENT} from PyPI; is PyPI reachable from this machine?`,
  );
  writeFileSync(marker, `${STOCK_CLIENT_REQUIREMENT}\n`);
  return python;
}

async function step(command: string, args: string[], timeout: number, failure: string): Promise<void> {
  try {
    await run(command, args, { timeout, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stderr, stdout, message } = error as { stderr?: string; stdout?: string; message: string };
    const tail = `${stdout ?? ''}${stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
    throw new Error(`interop: ${failure}\n${tail || message}`);
  }
}

/** Runs a Python script with one JSON request on stdin; resolves to the JSON it prints last. */
export function runPythonJson(
  python: string,
  script: string,
  request: unknown,
  timeoutMs = 180_000,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const tail = stderr.trim().split('\n').slice(-15).join('\n');
        reject(new Error(`${script} exited with ${code ?? signal}:\n${tail}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? ''));
      } catch {
        reject(new Error(`${script} printed no JSON result:\n${stdout.slice(-2000)}`));
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
}

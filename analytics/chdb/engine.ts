import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TsunagiError } from '../../core/errors.js';
import { infraPaths } from '../../platform/paths.js';

/**
 * A current ClickHouse engine in-process, for testing that our SQL does not depend on 18.16: the
 * PyPI `chdb-core` wheel carries ClickHouse 26.x (the npm `chdb` package would download its native
 * library from a host this machine cannot reach). Installed once into a venv under the download
 * cache, with `--no-deps` (the engine needs neither pandas nor pyarrow for SQL in, JSON out).
 */
export const CHDB_CORE_VERSION = '26.9.0';

export function ensureChdb(home: string, say: (line: string) => void = console.log): string {
  const venv = join(infraPaths(home).cache, `chdb-core-${CHDB_CORE_VERSION}`);
  const python = join(venv, 'bin', 'python');
  if (existsSync(join(venv, '.installed'))) return python;
  say(
    `analytics: installing chdb-core==${CHDB_CORE_VERSION} (ClickHouse 26.x in-process, ~560 MB) into ${venv}, once`,
  );
  const step = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (result.status !== 0)
      throw new TsunagiError(
        'INFRA_TOOL_MISSING',
        `${command} ${args.join(' ')} failed: ${result.stderr?.slice(-500)}`,
      );
  };
  step('python3', ['-m', 'venv', venv]);
  step(join(venv, 'bin', 'pip'), ['install', '--quiet', '--no-deps', `chdb-core==${CHDB_CORE_VERSION}`]);
  execFileSync('touch', [join(venv, '.installed')]);
  return python;
}

export type ChdbResult = { ok: true; result: string } | { ok: false; error: string };

/** Runs the statements in order in one chdb session; returns the engine version and one result per statement. */
export function runOnChdb(
  python: string,
  statements: readonly string[],
): { version: string; results: ChdbResult[] } {
  const output = execFileSync(python, [join(import.meta.dirname, 'run_sql.py')], {
    input: JSON.stringify({ statements }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const [head, ...results] = JSON.parse(output) as [{ version: string }, ...ChdbResult[]];
  return { version: head.version, results };
}

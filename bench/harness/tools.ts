import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { infraPaths } from '../../infra/paths.js';
import { loadInfraConfig } from '../../platform/config.js';

/** The load generator, pinned; fetched once into the git-ignored cache, not a project dependency. */
export const AUTOCANNON_VERSION = '9.0.0';

/**
 * Makes sure autocannon is in `<TSUNAGI_HOME>/cache/bench-tools` (npm, once, with a message) and
 * returns that folder. `npm install` of the project stays without it: only `npm run bench` needs it.
 */
export function ensureAutocannon(home = loadInfraConfig().home): string {
  const dir = join(infraPaths(home).cache, 'bench-tools');
  const installed = join(dir, 'node_modules', 'autocannon', 'package.json');
  if (!existsSync(installed)) {
    mkdirSync(dir, { recursive: true });
    console.log(`fetching the load generator autocannon@${AUTOCANNON_VERSION} into ${dir} (once)`);
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        dir,
        '--no-save',
        '--no-audit',
        '--no-fund',
        `autocannon@${AUTOCANNON_VERSION}`,
      ],
      { stdio: 'inherit' },
    );
  }
  return dir;
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsunagiError } from '../core/errors.js';

export interface DevKeys {
  TSUNAGI_HUB_KEYS: string;
  TSUNAGI_VAULT_KEYS: string;
}

const ring = (versions: number): string =>
  Array.from({ length: versions }, (_, i) => `v${i + 1}:${randomBytes(32).toString('base64')}`).join(',');

/** Fresh random keys in memory, for tests and demos. `versions` > 1 simulates past rotations. */
export const generateDevKeys = (versions = 1): DevKeys => ({
  TSUNAGI_HUB_KEYS: ring(versions),
  TSUNAGI_VAULT_KEYS: ring(versions),
});

/**
 * Keys for a local demo, kept across runs in the git-ignored TSUNAGI_HOME (default `.tsunagi/`) so
 * linkage ids survive a restart. Refuses under NODE_ENV=production: production keys come from the
 * operator's secret store, never from a file the hub made up.
 */
export function ensureDevKeys(home: string, env: NodeJS.ProcessEnv = process.env): DevKeys {
  if (env.NODE_ENV === 'production') {
    throw new TsunagiError(
      'CONFIG_INVALID',
      'development identity keys are refused when NODE_ENV=production',
      {
        path: 'NODE_ENV',
      },
    );
  }
  const file = join(home, 'dev-identity-keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevKeys;
  const keys = generateDevKeys();
  mkdirSync(home, { recursive: true });
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return keys;
}

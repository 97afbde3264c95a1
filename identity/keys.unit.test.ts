import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TsunagiError } from '../core/errors.js';
import { ensureDevKeys, generateDevKeys } from './dev-keys.js';
import { keyOf, loadIdentityConfig, parseKeyRing, subkey } from './keys.js';

const key = (fill: number, bytes = 32) => Buffer.alloc(bytes, fill).toString('base64');

const configError = (env: NodeJS.ProcessEnv): TsunagiError => {
  try {
    loadIdentityConfig(env);
  } catch (error) {
    if (error instanceof TsunagiError) return error;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
};

describe('identity keys from the environment', () => {
  it('reads versioned rings; the highest version is current', () => {
    const config = loadIdentityConfig({
      TSUNAGI_HUB_KEYS: `v2:${key(2)},v1:${key(1)}`,
      TSUNAGI_VAULT_KEYS: `v1:${key(3)}`,
    });
    expect(config.hubKeys.current).toBe(2);
    expect(keyOf(config.hubKeys, 1)).toEqual(Buffer.alloc(32, 1));
    expect(config.vaultKeys.current).toBe(1);
    expect(config.storeDir).toBe('.tsunagi/identity');
  });

  it.each([
    [{ TSUNAGI_VAULT_KEYS: `v1:${key(1)}` }, 'TSUNAGI_HUB_KEYS'],
    [{ TSUNAGI_HUB_KEYS: `v1:${key(1)}`, TSUNAGI_VAULT_KEYS: '' }, 'TSUNAGI_VAULT_KEYS'],
    [{ TSUNAGI_HUB_KEYS: `v1:${key(1, 16)}`, TSUNAGI_VAULT_KEYS: `v1:${key(1)}` }, 'TSUNAGI_HUB_KEYS'],
    [{ TSUNAGI_HUB_KEYS: key(1), TSUNAGI_VAULT_KEYS: `v1:${key(1)}` }, 'TSUNAGI_HUB_KEYS'],
    [
      { TSUNAGI_HUB_KEYS: `v1:${key(1)},v1:${key(2)}`, TSUNAGI_VAULT_KEYS: `v1:${key(1)}` },
      'TSUNAGI_HUB_KEYS',
    ],
  ])('refuses %o with CONFIG_INVALID naming %s, never the key', (env, variable) => {
    const error = configError(env);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.path).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).not.toContain(key(1, 16).slice(0, 12));
    expect(error.message).not.toContain(key(1).slice(0, 12));
  });

  it('names an unknown version KEY_VERSION_UNKNOWN', () => {
    const ring = parseKeyRing(`v1:${key(1)}`, 'X');
    expect(() => keyOf(ring, 2)).toThrow(expect.objectContaining({ code: 'KEY_VERSION_UNKNOWN' }));
  });

  it('derives a distinct subkey per purpose and version', () => {
    const ring = parseKeyRing(`v1:${key(1)},v2:${key(2)}`, 'X');
    const derived = [subkey(ring, 1, 'agency-code'), subkey(ring, 1, 'ppid'), subkey(ring, 2, 'agency-code')];
    expect(new Set(derived.map((k) => k.toString('hex'))).size).toBe(3);
  });
});

describe('development keys', () => {
  it('are random, loadable and never the same twice', () => {
    const a = generateDevKeys(2);
    const config = loadIdentityConfig({ ...a });
    expect(config.hubKeys.current).toBe(2);
    expect(generateDevKeys().TSUNAGI_HUB_KEYS).not.toBe(generateDevKeys().TSUNAGI_HUB_KEYS);
  });

  it('persist in the git-ignored home with owner-only access, and are refused in production', () => {
    const home = mkdtempSync(join(tmpdir(), 'tsunagi-devkeys-'));
    try {
      const first = ensureDevKeys(home, {});
      expect(ensureDevKeys(home, {})).toEqual(first);
      const file = join(home, 'dev-identity-keys.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(first);
      expect(() => ensureDevKeys(home, { NODE_ENV: 'production' })).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

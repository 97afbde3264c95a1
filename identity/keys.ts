import { hkdfSync } from 'node:crypto';
import { z } from 'zod';
import { TsunagiError } from '../core/errors.js';
import { readEnv } from '../platform/env.js';

/**
 * Versioned secrets. The current version (the highest) makes new codes, hashes and ciphertexts;
 * older versions are kept so that what was made under them can still be read and converted.
 * Dropping a version from configuration makes everything made under it unreadable.
 */
export interface KeyRing {
  readonly current: number;
  readonly keys: ReadonlyMap<number, Buffer>;
}

export const MIN_KEY_BYTES = 32;

const KEY_RING_FORMAT = 'expected v<version>:<base64 of at least 32 bytes>, comma separated, e.g. v1:…,v2:…';

/** Parses `v1:base64,v2:base64`; the error names the problem, never the key material. */
export function parseKeyRing(text: string, variable: string): KeyRing {
  const keys = new Map<number, Buffer>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = /^v([1-9][0-9]{0,5}):([A-Za-z0-9+/_-]+={0,2})$/.exec(part);
    if (!match?.[1] || !match[2]) throw configInvalid(variable, KEY_RING_FORMAT);
    const version = Number(match[1]);
    const key = Buffer.from(
      match[2],
      match[2].includes('-') || match[2].includes('_') ? 'base64url' : 'base64',
    );
    if (key.length < MIN_KEY_BYTES) {
      throw configInvalid(variable, `key version ${version} is shorter than ${MIN_KEY_BYTES} bytes`);
    }
    if (keys.has(version)) throw configInvalid(variable, `key version ${version} is given twice`);
    keys.set(version, key);
  }
  return { current: Math.max(...keys.keys()), keys };
}

const configInvalid = (variable: string, detail: string) =>
  new TsunagiError('CONFIG_INVALID', `environment variable ${variable}: ${detail}`, { path: variable });

export function keyOf(ring: KeyRing, version: number): Buffer {
  const key = ring.keys.get(version);
  if (!key) throw new TsunagiError('KEY_VERSION_UNKNOWN', `no key of version ${version} is configured`);
  return key;
}

/** Versions newest first, the order in which lookups try them. */
export const versionsNewestFirst = (ring: KeyRing): number[] => [...ring.keys.keys()].sort((a, b) => b - a);

/** One master key serves several purposes through HKDF, so no two purposes ever share a key. */
export type KeyPurpose =
  | 'vault-lookup'
  | 'vault-seal'
  | 'certificate-lookup'
  | 'agency-code'
  | 'ppid'
  | 'dead-letter-seal'
  | 'dead-letter-id'
  | 'ledger-seal';

const derived = new WeakMap<KeyRing, Map<string, Buffer>>();

export function subkey(ring: KeyRing, version: number, purpose: KeyPurpose): Buffer {
  let cache = derived.get(ring);
  if (!cache) {
    cache = new Map();
    derived.set(ring, cache);
  }
  const name = `${version}/${purpose}`;
  let key = cache.get(name);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', keyOf(ring, version), Buffer.alloc(0), `tsunagi/${purpose}`, 32));
    cache.set(name, key);
  }
  return key;
}

/** No defaults: a hub that starts without its keys must fail, not make up keys. */
export const IdentitySettings = z.object({
  /** Hub secret for agency codes and PPIDs. */
  TSUNAGI_HUB_KEYS: z.string({ error: `is required (${KEY_RING_FORMAT})` }),
  /** Vault secret: keyed hashes of My Numbers and encryption of linkage ids at rest. */
  TSUNAGI_VAULT_KEYS: z.string({ error: `is required (${KEY_RING_FORMAT})` }),
  /** Directory of the identity lmdb store (vault, code map, certificate bindings). */
  TSUNAGI_IDENTITY_DIR: z.string().default('.tsunagi/identity'),
});

export interface IdentityConfig {
  hubKeys: KeyRing;
  vaultKeys: KeyRing;
  storeDir: string;
}

export function loadIdentityConfig(env: NodeJS.ProcessEnv = process.env): IdentityConfig {
  const settings = readEnv(IdentitySettings, env);
  return {
    hubKeys: parseKeyRing(settings.TSUNAGI_HUB_KEYS, 'TSUNAGI_HUB_KEYS'),
    vaultKeys: parseKeyRing(settings.TSUNAGI_VAULT_KEYS, 'TSUNAGI_VAULT_KEYS'),
    storeDir: settings.TSUNAGI_IDENTITY_DIR,
  };
}

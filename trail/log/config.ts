import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TsunagiError } from '../../core/errors.js';
import { readEnv } from '../../platform/env.js';
import { infraPaths } from '../../platform/paths.js';
import { createTrailSubjectKeys, MIN_SUBJECT_KEY_BYTES, type TrailSubjectKeys } from './public-entry.js';
import { createNoteSigner, generateSignerKey, type NoteSigner } from './signer.js';

/** Settings of the trail's Merkle log (docs/trail-log.md). */
export const TrailLogSettings = z.object({
  /** The checkpoint signer key (note format). Required in production; generated for the demo. */
  TSUNAGI_TRAIL_LOG_KEY: z.string().optional(),
  /** The log's public verifier key, for readers (the gateway); default: the demo key's file. */
  TSUNAGI_TRAIL_VERIFIER_KEY: z.string().optional(),
  /** base64 of ≥ 32 random bytes: the hub key entries commit to residents under. Required in production. */
  TSUNAGI_TRAIL_SUBJECT_KEY: z.base64().optional(),
  /** Where the tiles and the integrated state live; default `$TSUNAGI_HOME/data/trail-log`. */
  TSUNAGI_TRAIL_LOG_DIR: z.string().optional(),
  /** How often a new checkpoint is signed and published when the tree grew. */
  TSUNAGI_TRAIL_CHECKPOINT_SECONDS: z.coerce.number().int().min(1).max(3_600).default(10),
  /** Prometheus endpoint of the trail-log service on 127.0.0.1. */
  TSUNAGI_TRAIL_LOG_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9465),
  NODE_ENV: z.string().optional(),
});

export interface TrailLogConfig {
  signer: NoteSigner;
  subjects: TrailSubjectKeys;
  /** True when the key was generated into TSUNAGI_HOME for the demo. */
  demoKey: boolean;
  storeDir: string;
  checkpointIntervalMs: number;
  metricsPort: number;
}

/** The demo's key name: a schema-less URL that names this installation's log, per C2SP. */
export const DEMO_KEY_NAME = 'demo.tsunagi.localhost/access-trail';

/** Files of the demo key in TSUNAGI_HOME: the signer key (owner-only) and the public verifier key. */
export const demoKeyFiles = (home: string) => ({
  signer: join(home, 'trail-log.key'),
  verifier: join(home, 'trail-log.vkey'),
  subject: join(home, 'trail-subject.key'),
});

/**
 * The demo signer key, generated once into the git-ignored TSUNAGI_HOME so checkpoints stay
 * verifiable across restarts. Refused under NODE_ENV=production: a production key comes from the
 * operator's secret store, never from a file the log made up.
 */
export function ensureDemoSignerKey(home: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.NODE_ENV === 'production')
    throw new TsunagiError('CONFIG_INVALID', 'TSUNAGI_TRAIL_LOG_KEY is required in production', {
      path: 'TSUNAGI_TRAIL_LOG_KEY',
    });
  const files = demoKeyFiles(home);
  if (existsSync(files.signer)) return readFileSync(files.signer, 'utf8').trim();
  const { signerKey, verifierKey } = generateSignerKey(DEMO_KEY_NAME);
  mkdirSync(home, { recursive: true });
  writeFileSync(files.signer, `${signerKey}\n`, { mode: 0o600, flag: 'wx' });
  writeFileSync(files.verifier, `${verifierKey}\n`, { mode: 0o644 });
  return signerKey;
}

/**
 * The hub's trail subject key (public-entry.ts): TSUNAGI_TRAIL_SUBJECT_KEY, or outside production a
 * demo key generated once into TSUNAGI_HOME (owner-only). The trail-log service and the gateway must
 * use the same key; a malformed one is refused naming the variable, never echoing it.
 */
export function loadTrailSubjectKeys(home: string, env: NodeJS.ProcessEnv = process.env): TrailSubjectKeys {
  const settings = readEnv(TrailLogSettings, env);
  if (settings.TSUNAGI_TRAIL_SUBJECT_KEY !== undefined)
    return createTrailSubjectKeys(new Uint8Array(Buffer.from(settings.TSUNAGI_TRAIL_SUBJECT_KEY, 'base64')));
  if (env.NODE_ENV === 'production')
    throw new TsunagiError('CONFIG_INVALID', 'TSUNAGI_TRAIL_SUBJECT_KEY is required in production', {
      path: 'TSUNAGI_TRAIL_SUBJECT_KEY',
    });
  const file = demoKeyFiles(home).subject;
  if (!existsSync(file)) {
    mkdirSync(home, { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(MIN_SUBJECT_KEY_BYTES).toString('base64')}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
    } catch (error) {
      // Another process (the gateway beside the trail log) made it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return createTrailSubjectKeys(new Uint8Array(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')));
}

/**
 * What a reader of the log (the gateway) needs: the store to open read-only and the verifier key to
 * publish. The key is TSUNAGI_TRAIL_VERIFIER_KEY, or outside production the demo key's public file
 * (read when first needed: the trail-log service writes it at its first start). Never the signer key.
 */
export function loadTrailLogReaderConfig(
  home: string,
  env: NodeJS.ProcessEnv = process.env,
): { storeDir: string; verifierKey: () => string } {
  const settings = readEnv(TrailLogSettings, env);
  const given = settings.TSUNAGI_TRAIL_VERIFIER_KEY?.trim();
  if (given === undefined && env.NODE_ENV === 'production')
    throw new TsunagiError('CONFIG_INVALID', 'TSUNAGI_TRAIL_VERIFIER_KEY is required in production', {
      path: 'TSUNAGI_TRAIL_VERIFIER_KEY',
    });
  const file = demoKeyFiles(home).verifier;
  return {
    storeDir: settings.TSUNAGI_TRAIL_LOG_DIR ?? infraPaths(home).data('trail-log'),
    verifierKey: () => {
      if (given !== undefined) return given;
      if (!existsSync(file))
        throw new TsunagiError('STORE_UNAVAILABLE', 'the trail log has not made its demo key yet', {
          path: 'TSUNAGI_TRAIL_VERIFIER_KEY',
        });
      return readFileSync(file, 'utf8').trim();
    },
  };
}

export function loadTrailLogConfig(home: string, env: NodeJS.ProcessEnv = process.env): TrailLogConfig {
  const settings = readEnv(TrailLogSettings, env);
  const demoKey = settings.TSUNAGI_TRAIL_LOG_KEY === undefined;
  const signer = createNoteSigner(settings.TSUNAGI_TRAIL_LOG_KEY ?? ensureDemoSignerKey(home, env));
  return {
    signer,
    subjects: loadTrailSubjectKeys(home, env),
    demoKey,
    storeDir: settings.TSUNAGI_TRAIL_LOG_DIR ?? infraPaths(home).data('trail-log'),
    checkpointIntervalMs: settings.TSUNAGI_TRAIL_CHECKPOINT_SECONDS * 1000,
    metricsPort: settings.TSUNAGI_TRAIL_LOG_METRICS_PORT,
  };
}

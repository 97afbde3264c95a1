import { type FSWatcher, watch as watchPath } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { isTsunagiError, TsunagiError } from '../core/errors.js';
import type { LegalBasisPolicy } from '../core/policy/table.js';
import { loadPolicyFile } from './load.js';

export type PolicyReload = { ok: true; revision: string } | { ok: false; error: TsunagiError };

export interface PolicyStore {
  /** The table in force; never undefined, never a half-valid table. */
  current(): LegalBasisPolicy;
  /** Re-reads the file; on any error the previous table stays in force and the error is logged and returned. */
  reload(): Promise<PolicyReload>;
  /** Stops watching the file (no-op without `watch`). */
  close(): void;
}

export interface PolicyStoreOptions {
  path: string | URL;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Reload when the file changes (fs.watch, debounced). Off by default. */
  watch?: boolean;
  debounceMs?: number;
  /** Injected for tests. */
  load?: (path: string | URL) => Promise<LegalBasisPolicy>;
}

const asTsunagiError = (error: unknown): TsunagiError =>
  isTsunagiError(error)
    ? error
    : new TsunagiError('CONFIG_INVALID', 'legal-basis table could not be loaded', { cause: error });

/**
 * Holds the legal-basis table and swaps it atomically on reload. The first load must
 * succeed (a gateway must not start without a table: default deny would refuse all).
 */
export async function createPolicyStore(options: PolicyStoreOptions): Promise<PolicyStore> {
  const load = options.load ?? loadPolicyFile;
  const { logger } = options;
  let policy = await load(options.path);
  logger.info({ revision: policy.revision, rows: policy.rows.length }, 'legal-basis table loaded');

  async function reload(): Promise<PolicyReload> {
    try {
      const next = await load(options.path);
      const previous = policy.revision;
      policy = next;
      logger.info(
        { revision: next.revision, previous, rows: next.rows.length },
        'legal-basis table reloaded',
      );
      return { ok: true, revision: next.revision };
    } catch (caught) {
      const error = asTsunagiError(caught);
      logger.error(
        { code: error.code, path: error.path, kept: policy.revision, err: { message: error.message } },
        'legal-basis table reload failed; keeping the previous table',
      );
      return { ok: false, error };
    }
  }

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (options.watch === true) {
    // Watch the folder, not the file: editors and deploy tools replace the file by rename,
    // which ends a watch on the old inode. They also write in steps; wait for quiet.
    const file = typeof options.path === 'string' ? options.path : fileURLToPath(options.path);
    watcher = watchPath(dirname(file), (_event, changed) => {
      if (changed !== null && changed !== basename(file)) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => void reload(), options.debounceMs ?? 200);
    });
  }

  return {
    current: () => policy,
    reload,
    close() {
      if (timer !== undefined) clearTimeout(timer);
      watcher?.close();
    },
  };
}

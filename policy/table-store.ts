import { type FSWatcher, watch as watchPath } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { isTsunagiError, TsunagiError } from '../core/errors.js';

/**
 * A table kept as data in a file (the legal-basis table, the eligibility rules, the subscriptions):
 * validated when loaded, swapped whole on reload, never half-valid. The file reading is here; what
 * "valid" means is the table's own pure check, passed in as `load`.
 */
export type TableReload = { ok: true; revision: string } | { ok: false; error: TsunagiError };

export interface TableStore<T> {
  /** The table in force; never undefined, never a half-valid table. */
  current(): T;
  /** Re-reads the file; on any error the previous table stays in force and the error is logged and returned. */
  reload(): Promise<TableReload>;
  /** Stops watching the file (no-op without `watch`). */
  close(): void;
}

export interface TableStoreOptions<T> {
  path: string | URL;
  /** Names the table in log lines and errors, e.g. "legal-basis table". */
  what: string;
  load(path: string | URL): Promise<T>;
  /** Log fields that describe a loaded table (counts, never contents that could be personal). */
  summary(table: T): Record<string, unknown>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Reload when the file changes (fs.watch, debounced). Off by default. */
  watch?: boolean;
  debounceMs?: number;
}

/**
 * Holds a table and swaps it atomically on reload. The first load must succeed (a service must not
 * start without its table). With `watch`, the folder holding the file is watched: editors and deploy
 * tools replace a file by rename, which ends a watch on the old inode, and they write in steps, so a
 * reload waits for the writes to settle.
 */
export async function createTableStore<T extends { revision: string }>(
  options: TableStoreOptions<T>,
): Promise<TableStore<T>> {
  const { logger, what } = options;
  let table = await options.load(options.path);
  logger.info({ revision: table.revision, ...options.summary(table) }, `${what} loaded`);

  async function reload(): Promise<TableReload> {
    try {
      const next = await options.load(options.path);
      const previous = table.revision;
      table = next;
      logger.info({ revision: next.revision, previous, ...options.summary(next) }, `${what} reloaded`);
      return { ok: true, revision: next.revision };
    } catch (caught) {
      const error = isTsunagiError(caught)
        ? caught
        : new TsunagiError('CONFIG_INVALID', `${what} could not be loaded`, { cause: caught });
      logger.error(
        { code: error.code, path: error.path, kept: table.revision, err: { message: error.message } },
        `${what} reload failed; keeping the previous table`,
      );
      return { ok: false, error };
    }
  }

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (options.watch === true) {
    const file = typeof options.path === 'string' ? options.path : fileURLToPath(options.path);
    watcher = watchPath(dirname(file), (_event, changed) => {
      if (changed !== null && changed !== basename(file)) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => void reload(), options.debounceMs ?? 200);
    });
  }

  return {
    current: () => table,
    reload,
    close() {
      if (timer !== undefined) clearTimeout(timer);
      watcher?.close();
    },
  };
}

/** Reads a table file as JSON; CONFIG_INVALID naming the file when it cannot be read or parsed. */
export async function readJsonFile(path: string | URL, what: string): Promise<unknown> {
  const source = typeof path === 'string' ? path : path.pathname;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new TsunagiError('CONFIG_INVALID', `${what} ${source} cannot be read`, { path: source, cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TsunagiError('CONFIG_INVALID', `${what} ${source} is not JSON: ${reason}`, {
      path: source,
      cause,
    });
  }
}

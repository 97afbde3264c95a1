import type { Logger } from 'pino';
import type { LegalBasisPolicy } from '../core/policy/table.js';
import { loadPolicyFile } from './load.js';
import { createTableStore, type TableReload, type TableStore } from './table-store.js';

export type PolicyReload = TableReload;
export type PolicyStore = TableStore<LegalBasisPolicy>;

export interface PolicyStoreOptions {
  path: string | URL;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Reload when the file changes (fs.watch, debounced). Off by default. */
  watch?: boolean;
  debounceMs?: number;
  /** Injected for tests. */
  load?: (path: string | URL) => Promise<LegalBasisPolicy>;
}

/**
 * Holds the legal-basis table and swaps it atomically on reload (policy/table-store.ts). The first
 * load must succeed (a gateway must not start without a table: default deny would refuse all).
 */
export function createPolicyStore(options: PolicyStoreOptions): Promise<PolicyStore> {
  return createTableStore({
    ...options,
    what: 'legal-basis table',
    load: options.load ?? loadPolicyFile,
    summary: (policy) => ({ rows: policy.rows.length }),
  });
}

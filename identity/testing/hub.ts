import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, fixedClock } from '../../core/clock.js';
import { createLogger, type Logger } from '../../platform/logger.js';
import { type CodeRegistry, createCodeRegistry } from '../code-registry.js';
import { generateDevKeys } from '../dev-keys.js';
import type { AgencyCodeIssued, CertificateBound, IdentityEnrolled } from '../event-log.js';
import { type IdentityStore, openIdentityStore } from '../identity-store.js';
import { createInMemoryEventLog, type InMemoryEventLog } from '../in-memory-event-log.js';
import { type KeyRing, parseKeyRing } from '../keys.js';
import { createVault, type Vault } from '../vault.js';

/** A throw-away identity hub for unit tests: temp lmdb directory, in-memory logs, fresh keys. */
export interface TestHub {
  dir: string;
  store: IdentityStore;
  hubKeys: KeyRing;
  vaultKeys: KeyRing;
  enrolments: InMemoryEventLog<IdentityEnrolled>;
  codeLog: InMemoryEventLog<AgencyCodeIssued>;
  /** For `createCertificateBindings(hub)`. */
  certificateLog: InMemoryEventLog<CertificateBound>;
  vault: Vault;
  codes: CodeRegistry;
  clock: Clock;
  logger: Logger;
  /** Lines the hub logged (level debug), for privacy scans. */
  logLines: string[];
  close(): Promise<void>;
}

export function createTestHub(
  options: { hubKeys?: KeyRing; vaultKeys?: KeyRing; enrolments?: InMemoryEventLog<IdentityEnrolled> } = {},
): TestHub {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagi-identity-'));
  const store = openIdentityStore(dir);
  const keys = generateDevKeys();
  const hubKeys = options.hubKeys ?? parseKeyRing(keys.TSUNAGI_HUB_KEYS, 'TSUNAGI_HUB_KEYS');
  const vaultKeys = options.vaultKeys ?? parseKeyRing(keys.TSUNAGI_VAULT_KEYS, 'TSUNAGI_VAULT_KEYS');
  const enrolments = options.enrolments ?? createInMemoryEventLog<IdentityEnrolled>();
  const codeLog = createInMemoryEventLog<AgencyCodeIssued>();
  const clock = fixedClock('2026-04-01T09:00:00Z');
  const logLines: string[] = [];
  const logger = createLogger(
    { level: 'debug', name: 'identity-test' },
    { write: (line: string) => logLines.push(line) },
  );
  return {
    dir,
    store,
    hubKeys,
    vaultKeys,
    enrolments,
    codeLog,
    certificateLog: createInMemoryEventLog<CertificateBound>(),
    clock,
    logger,
    logLines,
    vault: createVault({ store, log: enrolments, keys: vaultKeys, clock, logger }),
    codes: createCodeRegistry({ store, log: codeLog, hubKeys, vaultKeys, clock, logger }),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

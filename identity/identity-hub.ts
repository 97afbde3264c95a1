import { type Clock, systemClock } from '../core/clock.js';
import type { InfraConfig } from '../platform/config.js';
import { type EventStore, openEventStore } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';
import { type CertificateBindings, createCertificateBindings } from './certificate-binding.js';
import { type CodeRegistry, createCodeRegistry } from './code-registry.js';
import { identityConfigFor } from './hub-config.js';
import { openIdentityStore } from './identity-store.js';
import {
  createKafkaAgencyCodeLog,
  createKafkaCertificateBindingLog,
  createKafkaEnrolmentLog,
} from './kafka-enrolment-log.js';
import type { IdentityConfig } from './keys.js';
import { createVault, type Vault } from './vault.js';

export interface IdentityHub {
  vault: Vault;
  codes: CodeRegistry;
  certificates: CertificateBindings;
  close(): Promise<void>;
}

/**
 * Wires the identity hub for production: the lmdb store in `config.storeDir`, the vault's log on
 * `identity-enrolments`, the code map's log on `agency-codes`, the certificate bindings' log on
 * `certificate-bindings` (all registry-framed, through the process's event store). Pass `rebuild: true` after
 * restoring or losing the store: the three views are rebuilt by a replay of their topics before use.
 */
export async function createIdentityHub(deps: {
  config: IdentityConfig;
  store: Pick<EventStore, 'append' | 'follow'>;
  clock: Clock;
  logger: Logger;
  rebuild?: boolean;
}): Promise<IdentityHub> {
  const { config, clock } = deps;
  const logger = deps.logger.child({ component: 'identity' });
  const store = openIdentityStore(config.storeDir);
  const enrolments = createKafkaEnrolmentLog({ store: deps.store, logger });
  const codeLog = createKafkaAgencyCodeLog({ store: deps.store, logger });
  const certificateLog = createKafkaCertificateBindingLog({ store: deps.store, logger });
  const { hubKeys, vaultKeys } = config;
  const hub: IdentityHub = {
    vault: createVault({ store, log: enrolments, keys: vaultKeys, clock, logger }),
    codes: createCodeRegistry({ store, log: codeLog, hubKeys, vaultKeys, clock, logger }),
    certificates: createCertificateBindings({ store, certificateLog, vaultKeys, clock, logger }),
    async close() {
      await Promise.allSettled([enrolments.close(), codeLog.close(), certificateLog.close()]);
      await store.close();
    },
  };
  if (deps.rebuild) {
    await hub.vault.rebuildFromLog();
    await hub.codes.rebuildFromLog();
    await hub.certificates.rebuildFromLog();
  }
  return hub;
}

/**
 * The identity hub of a process that needs nothing else of Kafka (the rebuild tool, the demo steps):
 * this home's store and keys, on an event store of its own as `ingest`, the one principal that may
 * read and append the identity topics. `close` closes the hub, then its event store.
 */
export async function openIdentityHub(config: InfraConfig, logger: Logger): Promise<IdentityHub> {
  const store = openEventStore(config, logger, { principal: 'ingest' });
  const hub = await createIdentityHub({
    config: identityConfigFor(config),
    store,
    clock: systemClock,
    logger,
  });
  return {
    ...hub,
    async close() {
      await hub.close();
      await store.close();
    },
  };
}

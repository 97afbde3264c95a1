import { systemClock } from '../core/clock.js';
import { identityConfigFor } from '../identity/hub-config.js';
import { createIdentityHub, type IdentityHub } from '../identity/identity-hub.js';
import type { KeyRing } from '../identity/keys.js';
import type { InfraConfig } from '../platform/config.js';
import { type EventStore, openEventStore } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';

export interface ProducerHub {
  identity: IdentityHub;
  /** Where the events go: the event store (idempotent producer, acks=all). */
  publisher: Pick<EventStore, 'append'>;
  /** TSUNAGI_VAULT_KEYS, which seal dead letters. */
  vaultKeys: KeyRing;
  close(): Promise<void>;
}

/** What a producer process needs: the identity hub (My Number → linkage id), the event store, the vault keys. */
export async function openProducerHub(
  config: InfraConfig,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProducerHub> {
  const store = openEventStore(config, logger, { principal: 'ingest' });
  const identityConfig = identityConfigFor(config, env);
  const identity = await createIdentityHub({ config: identityConfig, store, clock: systemClock, logger });
  return {
    identity,
    publisher: store,
    vaultKeys: identityConfig.vaultKeys,
    async close() {
      await identity.close();
      await store.close();
    },
  };
}

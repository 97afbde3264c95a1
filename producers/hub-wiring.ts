import { systemClock } from '../core/clock.js';
import { ensureDevKeys } from '../identity/dev-keys.js';
import { openIdentityStore } from '../identity/identity-store.js';
import { createKafkaEnrolmentLog } from '../identity/kafka-enrolment-log.js';
import { loadIdentityConfig } from '../identity/keys.js';
import { createVault, type Vault } from '../identity/vault.js';
import { infraPaths } from '../infra/paths.js';
import { Topics, topicName } from '../infra/topics.js';
import type { InfraConfig } from '../platform/config.js';
import { createEventWire } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import { createEventPublisher, type EventPublisher } from './publisher.js';

export interface ProducerHub {
  vault: Vault;
  publisher: EventPublisher;
  close(): Promise<void>;
}

/**
 * What a producer process needs: the identity vault (My Number → linkage id, durable on the
 * enrolment topic) and an event publisher. Keys come from TSUNAGI_HUB_KEYS/TSUNAGI_VAULT_KEYS;
 * outside production, missing keys are generated once into TSUNAGI_HOME (docs/identity.md).
 */
export function openProducerHub(
  config: InfraConfig,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): ProducerHub {
  const keyed =
    env.TSUNAGI_HUB_KEYS && env.TSUNAGI_VAULT_KEYS ? env : { ...env, ...ensureDevKeys(config.home, env) };
  const identity = loadIdentityConfig({
    TSUNAGI_IDENTITY_DIR: infraPaths(config.home).data('identity'),
    ...keyed,
  });
  const kafka = createKafka(config, logger);
  const store = openIdentityStore(identity.storeDir);
  const log = createKafkaEnrolmentLog({
    kafka,
    topic: topicName(config.TOPIC_PREFIX, Topics.identityEnrolments),
    logger,
  });
  const vault = createVault({ store, log, keys: identity.vaultKeys, clock: systemClock, logger });
  const publisher = createEventPublisher({
    kafka,
    wire: createEventWire(config),
    topicPrefix: config.TOPIC_PREFIX,
    logger,
  });
  return {
    vault,
    publisher,
    async close() {
      await publisher.close();
      await log.close();
      await store.close();
    },
  };
}

import { systemClock } from '../core/clock.js';
import { identityConfigFor } from '../identity/hub-config.js';
import { createIdentityHub, type IdentityHub } from '../identity/identity-hub.js';
import type { KeyRing } from '../identity/keys.js';
import type { InfraConfig } from '../platform/config.js';
import { createEventWire } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import { createEventPublisher, type EventPublisher } from './publisher.js';

export interface ProducerHub {
  identity: IdentityHub;
  publisher: EventPublisher;
  /** TSUNAGI_VAULT_KEYS, which seal dead letters. */
  vaultKeys: KeyRing;
  close(): Promise<void>;
}

/** What a producer process needs: the identity hub (My Number → linkage id), a publisher, the vault keys. */
export async function openProducerHub(
  config: InfraConfig,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProducerHub> {
  const kafka = createKafka(config, logger, { principal: 'ingest' });
  const wire = createEventWire(config);
  const identityConfig = identityConfigFor(config, env);
  const identity = await createIdentityHub({
    wire,
    config: identityConfig,
    kafka,
    topicPrefix: config.TOPIC_PREFIX,
    clock: systemClock,
    logger,
  });
  const publisher = createEventPublisher({
    kafka,
    wire,
    topicPrefix: config.TOPIC_PREFIX,
    logger,
  });
  return {
    identity,
    publisher,
    vaultKeys: identityConfig.vaultKeys,
    async close() {
      await publisher.close();
      await identity.close();
    },
  };
}

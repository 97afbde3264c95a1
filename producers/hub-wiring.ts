import { systemClock } from '../core/clock.js';
import { identityConfigFor } from '../identity/hub-config.js';
import { createIdentityHub, type IdentityHub } from '../identity/identity-hub.js';
import type { InfraConfig } from '../platform/config.js';
import { createEventWire } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import { createEventPublisher, type EventPublisher } from './publisher.js';

export interface ProducerHub {
  identity: IdentityHub;
  publisher: EventPublisher;
  close(): Promise<void>;
}

/** What a producer process needs: the identity hub (My Number → linkage id) and a publisher. */
export async function openProducerHub(
  config: InfraConfig,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProducerHub> {
  const kafka = createKafka(config, logger, { principal: 'ingest' });
  const identity = await createIdentityHub({
    config: identityConfigFor(config, env),
    kafka,
    topicPrefix: config.TOPIC_PREFIX,
    clock: systemClock,
    logger,
  });
  const publisher = createEventPublisher({
    kafka,
    wire: createEventWire(config),
    topicPrefix: config.TOPIC_PREFIX,
    logger,
  });
  return {
    identity,
    publisher,
    async close() {
      await publisher.close();
      await identity.close();
    },
  };
}

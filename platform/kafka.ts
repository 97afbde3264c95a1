import { Kafka, type KafkaConfig, type logCreator, logLevel } from 'kafkajs';
import { type KafkaPrincipal, type KafkaTlsSettings, tlsOptions } from './kafka-credentials.js';
import type { Logger } from './logger.js';

/**
 * kafkajs logs through our pino logger at `warn` (its entries carry no record contents). kafkajs
 * calls many transient conditions errors (a retried connection, a leader moving); whether one
 * matters is decided by the caller's own typed error, so none of its lines is above `warn`. A test
 * that expects failures gives its client a silent logger (tests/support/infra.ts, `quietLogger`).
 */
const pinoLogCreator =
  (logger: Logger): logCreator =>
  () =>
  ({ level, log }) => {
    const { message, ...extra } = log;
    // Retries are bounded on purpose; platform/log-producer.ts says why that keeps idempotence.
    if (message === BOUNDED_RETRIES_NOTICE) return;
    if (level <= logLevel.WARN) logger.warn({ kafkajs: extra }, message);
    else if (level === logLevel.INFO) logger.info({ kafkajs: extra }, message);
    else logger.debug({ kafkajs: extra }, message);
  };
const BOUNDED_RETRIES_NOTICE = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

// We choose partitioners explicitly where it matters; silence kafkajs's v2 migration notice.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export interface KafkaClientOptions extends Partial<Omit<KafkaConfig, 'ssl' | 'sasl'>> {
  /** Who this client is; its certificate decides what the broker's ACLs let it do (infra/acls.ts). */
  principal: KafkaPrincipal;
}

/**
 * Every Kafka client of Tsunagi is made here. It connects over mutual TLS as `principal`,
 * with credentials from platform/kafka-credentials.ts; a principal without credentials is a
 * CONFIG_INVALID error at creation, never a client with another identity.
 */
export function createKafka(config: KafkaTlsSettings, logger: Logger, options: KafkaClientOptions): Kafka {
  const { principal, ...rest } = options;
  return new Kafka({
    clientId: `tsunagi-${principal}`,
    brokers: config.kafkaBrokers,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger.child({ component: 'kafkajs' })),
    connectionTimeout: 3000,
    ...rest,
    ssl: tlsOptions(config, principal),
  });
}

import { Kafka, type KafkaConfig, type logCreator, logLevel } from 'kafkajs';
import { type KafkaPrincipal, type KafkaTlsSettings, tlsOptions } from './kafka-credentials.js';
import type { Logger } from './logger.js';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through our pino logger (its entries carry no record contents). */
const pinoLogCreator =
  (logger: Logger): logCreator =>
  () =>
  ({ level, log }) => {
    const { message, ...extra } = log;
    logger[LEVELS[level] ?? 'info']({ kafkajs: extra }, message);
  };

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

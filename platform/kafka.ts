import { Kafka, type KafkaConfig, type logCreator, logLevel } from 'kafkajs';
import type { InfraConfig } from './config.js';
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

export function createKafka(
  config: Pick<InfraConfig, 'kafkaBrokers'>,
  logger: Logger,
  options: Partial<KafkaConfig> = {},
): Kafka {
  return new Kafka({
    clientId: 'tsunagi',
    brokers: config.kafkaBrokers,
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger.child({ component: 'kafkajs' })),
    connectionTimeout: 3000,
    ...options,
  });
}

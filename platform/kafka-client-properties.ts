import type { InfraConfig } from './config.js';

/**
 * Connection settings for clients that are not kafkajs (librdkafka, Confluent's Python or Java
 * clients), in their own property names. The ONE place they are made: when the brokers get TLS or
 * SASL, the `security.protocol` / `ssl.*` / `sasl.*` properties are added here and every such client
 * (the stock-client interoperability test included) picks them up.
 */
export function kafkaClientProperties(config: Pick<InfraConfig, 'kafkaBrokers'>): Record<string, string> {
  return { 'bootstrap.servers': config.kafkaBrokers.join(',') };
}

/** Settings of a stock Confluent schema-registry client: the registry's Confluent-compatible API. */
export function schemaRegistryClientProperties(
  config: Pick<InfraConfig, 'registryCcompatUrl'>,
): Record<string, string> {
  return { url: config.registryCcompatUrl };
}

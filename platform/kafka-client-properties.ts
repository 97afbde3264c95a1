import type { InfraConfig } from './config.js';

/**
 * Settings of a stock Confluent schema-registry client (Python, Java): the registry's
 * Confluent-compatible API. Kafka connection settings for such clients come from
 * `librdkafkaProperties` (platform/kafka-credentials.ts), with the client's principal.
 */
export function schemaRegistryClientProperties(
  config: Pick<InfraConfig, 'registryCcompatUrl'>,
): Record<string, string> {
  return { url: config.registryCcompatUrl };
}

import { join, resolve } from 'node:path';
import { z } from 'zod';
import { port, readEnv } from './env.js';

/**
 * Where the infrastructure listens and where its data lives. All servers bind to
 * loopback. Defaults avoid the well-known ports so a developer's own Kafka or
 * ClickHouse does not collide with ours.
 */
export const InfraSettings = z.object({
  /** Root of everything generated at run time: caches, data, logs, PIDs. Git-ignored. */
  TSUNAGI_HOME: z.string().default('.tsunagi'),
  KAFKA_PORT: port(19092),
  KAFKA_CONTROLLER_PORT: port(19093),
  REGISTRY_PORT: port(18081),
  CLICKHOUSE_HTTP_PORT: port(18123),
  CLICKHOUSE_TCP_PORT: port(19000),
  /** Prefix of every topic name, so several environments can share one broker. */
  TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/)
    .default('tsunagi.'),
  /** 1 for the single-node stack; 3 in a real deployment. */
  TOPIC_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)
    .default('tsunagi'),
  /** Overrides for a real deployment (comma-separated brokers, URLs); default: the loopback servers above. */
  KAFKA_BROKERS: z.string().optional(),
  REGISTRY_URL: z.url().optional(),
  CLICKHOUSE_URL: z.url().optional(),
  /** Local Kafka CA and per-principal client certificates; default `<TSUNAGI_HOME>/secrets/kafka` (0700). */
  KAFKA_SECRETS_DIR: z.string().optional(),
  /** A deployment's PEM files for this process's Kafka principal (all three, or none). */
  KAFKA_TLS_CA_FILE: z.string().optional(),
  KAFKA_TLS_CERT_FILE: z.string().optional(),
  KAFKA_TLS_KEY_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type InfraSettings = z.infer<typeof InfraSettings>;

export interface InfraConfig extends InfraSettings {
  home: string;
  kafkaBrokers: string[];
  /** Where the local stack's Kafka CA and client credentials live (platform/kafka-credentials.ts). */
  kafkaSecretsDir: string;
  registryUrl: string;
  /** The Confluent-compatible API of Apicurio, as `@kafkajs/confluent-schema-registry` expects. */
  registryCcompatUrl: string;
  clickhouseUrl: string;
}

export function loadInfraConfig(env: NodeJS.ProcessEnv = process.env): InfraConfig {
  const settings = readEnv(InfraSettings, env);
  const registryUrl = settings.REGISTRY_URL ?? `http://127.0.0.1:${settings.REGISTRY_PORT}`;
  const home = resolve(settings.TSUNAGI_HOME);
  return {
    ...settings,
    home,
    kafkaBrokers: settings.KAFKA_BROKERS?.split(',').map((b) => b.trim()) ?? [
      `127.0.0.1:${settings.KAFKA_PORT}`,
    ],
    kafkaSecretsDir: resolve(settings.KAFKA_SECRETS_DIR ?? join(home, 'secrets', 'kafka')),
    registryUrl,
    registryCcompatUrl: `${registryUrl}/apis/ccompat/v7`,
    clickhouseUrl: settings.CLICKHOUSE_URL ?? `http://127.0.0.1:${settings.CLICKHOUSE_HTTP_PORT}`,
  };
}

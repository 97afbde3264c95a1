import { join, resolve } from 'node:path';
import { z } from 'zod';
import { TsunagiError } from '../core/errors.js';
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
  /**
   * 1: one broker+controller (the default). 3: a local KRaft cluster of three broker+controller
   * nodes, node n on KAFKA_PORT + 2(n−1) and KAFKA_CONTROLLER_PORT + 2(n−1) (infra/kafka-cluster.ts).
   */
  KAFKA_BROKER_COUNT: z.coerce
    .number()
    .int()
    .refine((n) => n === 1 || n === 3, 'must be 1 (one broker) or 3 (a local three-broker cluster)')
    .default(1),
  REGISTRY_PORT: port(18081),
  CLICKHOUSE_HTTP_PORT: port(18123),
  CLICKHOUSE_TCP_PORT: port(19000),
  /** Prefix of every topic name, so several environments can share one broker. */
  TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/)
    .default('tsunagi.'),
  /** Default: 1 for the single broker, 3 for the local cluster (KAFKA_BROKER_COUNT=3) and a real deployment. */
  TOPIC_REPLICATION_FACTOR: z.coerce.number().int().min(1).optional(),
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

export interface InfraConfig extends Omit<InfraSettings, 'TOPIC_REPLICATION_FACTOR'> {
  TOPIC_REPLICATION_FACTOR: number;
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
    TOPIC_REPLICATION_FACTOR: settings.TOPIC_REPLICATION_FACTOR ?? (settings.KAFKA_BROKER_COUNT >= 3 ? 3 : 1),
    home,
    kafkaBrokers:
      settings.KAFKA_BROKERS?.split(',').map((b) => b.trim()) ??
      localBrokerPorts(settings).map((p) => `127.0.0.1:${p.broker}`),
    kafkaSecretsDir: resolve(settings.KAFKA_SECRETS_DIR ?? join(home, 'secrets', 'kafka')),
    registryUrl,
    registryCcompatUrl: `${registryUrl}/apis/ccompat/v7`,
    clickhouseUrl: settings.CLICKHOUSE_URL ?? `http://127.0.0.1:${settings.CLICKHOUSE_HTTP_PORT}`,
  };
}

/**
 * The loopback ports of the local Kafka nodes: node n (1-based) listens on KAFKA_PORT + 2(n−1), its
 * KRaft controller on KAFKA_CONTROLLER_PORT + 2(n−1). One node keeps exactly the configured pair.
 */
export function localBrokerPorts(
  settings: Pick<InfraSettings, 'KAFKA_PORT' | 'KAFKA_CONTROLLER_PORT' | 'KAFKA_BROKER_COUNT'>,
): Array<{ nodeId: number; broker: number; controller: number }> {
  const nodes = Array.from({ length: settings.KAFKA_BROKER_COUNT }, (_, i) => ({
    nodeId: i + 1,
    broker: settings.KAFKA_PORT + 2 * i,
    controller: settings.KAFKA_CONTROLLER_PORT + 2 * i,
  }));
  const all = nodes.flatMap((n) => [n.broker, n.controller]);
  const clash = all.find((p, i) => all.indexOf(p) !== i || p > 65535);
  if (clash !== undefined)
    throw new TsunagiError(
      'CONFIG_INVALID',
      `environment variable KAFKA_CONTROLLER_PORT: the ${nodes.length} Kafka nodes need ${all.length} distinct ports (KAFKA_PORT + 2(n−1) and KAFKA_CONTROLLER_PORT + 2(n−1)); port ${clash} is taken twice or out of range`,
      { path: 'KAFKA_CONTROLLER_PORT' },
    );
  return nodes;
}

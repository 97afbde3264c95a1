import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsunagiError } from '../core/errors.js';
import { type InfraConfig, localBrokerPorts } from '../platform/config.js';
import { brokerSecurityProperties, CLUSTER_REPLICATION_PROPERTIES } from './broker-security.js';
import { brokerKeystoreFile } from './kafka-secrets.js';
import { infraPaths } from './paths.js';

/**
 * The local Kafka's nodes. One node (the default) is the single broker+controller `kafka` under
 * `data/kafka`, exactly as before. KAFKA_BROKER_COUNT=3 makes a KRaft cluster of three combined
 * broker+controller nodes `kafka-1..3`, each with its own ports, data folder, log, PID file and
 * certificate, replicating as the deployment descriptor does (broker-security.ts). Combined nodes,
 * not 3 controllers + 3 brokers: the deployment descriptor runs combined nodes too, and six JVMs
 * are too many for a 2-core CI machine. The price: with two nodes down the controller quorum is
 * lost as well, so the survivor can neither shrink its ISR nor elect leaders (docs/RELIABILITY.md).
 */
export interface KafkaNode {
  /** `kafka` for the single broker, `kafka-<n>` for a cluster node. */
  name: string;
  nodeId: number;
  brokerPort: number;
  controllerPort: number;
  dataDir: string;
  keystore: string;
  /** The node's server.properties. */
  properties: string;
  /** JVM heap flags: the single broker keeps its 1 GiB; three nodes share 2 cores and stay small. */
  heap: string[];
}

const lines = (entries: Record<string, string>) => Object.entries(entries).map(([k, v]) => `${k}=${v}`);

export function kafkaNodes(config: InfraConfig): KafkaNode[] {
  const paths = infraPaths(config.home);
  const ports = localBrokerPorts(config);
  const cluster = ports.length > 1;
  const voters = ports.map((p) => `${p.nodeId}@127.0.0.1:${p.controller}`).join(',');
  return ports.map((p) => {
    const name = cluster ? `kafka-${p.nodeId}` : 'kafka';
    const dataDir = paths.data(name);
    const keystore = brokerKeystoreFile(config.kafkaSecretsDir, cluster ? p.nodeId : undefined);
    const common = [
      'process.roles=broker,controller',
      `node.id=${p.nodeId}`,
      `controller.quorum.voters=${voters}`,
      `listeners=SSL://127.0.0.1:${p.broker},CONTROLLER://127.0.0.1:${p.controller}`,
      `advertised.listeners=SSL://127.0.0.1:${p.broker}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=SSL',
      'listener.security.protocol.map=SSL:SSL,CONTROLLER:SSL',
      ...lines(brokerSecurityProperties({ keystore, truststore: join(config.kafkaSecretsDir, 'ca.pem') })),
      `log.dirs=${join(dataDir, 'logs')}`,
      'num.partitions=3',
    ];
    const replication = cluster
      ? [...lines(CLUSTER_REPLICATION_PROPERTIES), 'num.network.threads=2', 'num.io.threads=2']
      : [
          'offsets.topic.replication.factor=1',
          'transaction.state.log.replication.factor=1',
          'transaction.state.log.min.isr=1',
          'min.insync.replicas=1',
        ];
    const properties = [
      ...common,
      ...replication,
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
      'log.retention.hours=-1',
      '',
    ].join('\n');
    return {
      name,
      nodeId: p.nodeId,
      brokerPort: p.broker,
      controllerPort: p.controller,
      dataDir,
      keystore,
      properties,
      heap: cluster ? ['-Xms128m', '-Xmx512m'] : ['-Xms256m', '-Xmx1g'],
    };
  });
}

/**
 * A home holds one layout: its single broker's data (`data/kafka`) or a cluster's (`data/kafka-1..3`).
 * Starting the other layout over it would give a second, empty Kafka on the same ports, so it is
 * refused with what to do instead.
 */
export function checkKafkaLayout(config: InfraConfig): void {
  const paths = infraPaths(config.home);
  const formatted = (name: string) => existsSync(join(paths.data(name), 'logs', 'meta.properties'));
  const cluster = config.KAFKA_BROKER_COUNT > 1;
  if (!cluster && formatted('kafka-1'))
    throw new TsunagiError(
      'INFRA_START_FAILED',
      `${config.home} holds a three-broker Kafka cluster (data/kafka-1..3): set KAFKA_BROKER_COUNT=3 (or \`npm run infra -- up --brokers 3\`), or use another TSUNAGI_HOME`,
    );
  if (cluster && formatted('kafka'))
    throw new TsunagiError(
      'INFRA_START_FAILED',
      `${config.home} holds a single-broker Kafka (data/kafka): unset KAFKA_BROKER_COUNT, or use another TSUNAGI_HOME for the cluster (or \`npm run infra -- reset\` first)`,
    );
}

/** The cluster id every node is formatted with: the first formatted node's, or none yet. */
export function formattedClusterId(nodes: readonly KafkaNode[]): string | undefined {
  for (const node of nodes) {
    const meta = join(node.dataDir, 'logs', 'meta.properties');
    if (!existsSync(meta)) continue;
    const id = /^cluster\.id=(.+)$/m.exec(readFileSync(meta, 'utf8'))?.[1];
    if (id) return id.trim();
  }
  return undefined;
}

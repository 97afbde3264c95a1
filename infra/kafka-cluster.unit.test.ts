import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInfraConfig } from '../platform/config.js';
import { CLUSTER_REPLICATION_PROPERTIES } from './broker-security.js';
import { checkKafkaLayout, kafkaNodes } from './kafka-cluster.js';

const props = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

describe('the local Kafka nodes', () => {
  it('stay one broker+controller `kafka` by default, with replication factor 1', () => {
    const config = loadInfraConfig({ TSUNAGI_HOME: '/h' });
    const [node, ...rest] = kafkaNodes(config);
    expect(rest).toEqual([]);
    expect(node).toMatchObject({ name: 'kafka', nodeId: 1, brokerPort: 19092, controllerPort: 19093 });
    expect(node?.dataDir).toBe('/h/data/kafka');
    const p = props(node?.properties ?? '');
    expect(p['controller.quorum.voters']).toBe('1@127.0.0.1:19093');
    expect(p['ssl.keystore.location']).toBe('/h/secrets/kafka/broker.keystore.pem');
    expect(p['min.insync.replicas']).toBe('1');
    expect(config.TOPIC_REPLICATION_FACTOR).toBe(1);
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:19092']);
  });

  it('are three nodes with their own ports, data, certificates, one quorum and the deployment’s replication', () => {
    const config = loadInfraConfig({
      TSUNAGI_HOME: '/h',
      KAFKA_BROKER_COUNT: '3',
      KAFKA_PORT: '24092',
      KAFKA_CONTROLLER_PORT: '24093',
    });
    const nodes = kafkaNodes(config);
    expect(nodes.map((n) => [n.name, n.brokerPort, n.controllerPort])).toEqual([
      ['kafka-1', 24092, 24093],
      ['kafka-2', 24094, 24095],
      ['kafka-3', 24096, 24097],
    ]);
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:24092', '127.0.0.1:24094', '127.0.0.1:24096']);
    expect(config.TOPIC_REPLICATION_FACTOR).toBe(3);
    for (const node of nodes) {
      const p = props(node.properties);
      expect(p['node.id']).toBe(String(node.nodeId));
      expect(p['controller.quorum.voters']).toBe('1@127.0.0.1:24093,2@127.0.0.1:24095,3@127.0.0.1:24097');
      expect(p.listeners).toBe(
        `SSL://127.0.0.1:${node.brokerPort},CONTROLLER://127.0.0.1:${node.controllerPort}`,
      );
      expect(p['log.dirs']).toBe(`/h/data/${node.name}/logs`);
      expect(p['ssl.keystore.location']).toBe(`/h/secrets/kafka/broker-${node.nodeId}.keystore.pem`);
      expect(p['ssl.client.auth']).toBe('required');
      for (const [key, value] of Object.entries(CLUSTER_REPLICATION_PROPERTIES)) expect(p[key]).toBe(value);
      expect(node.heap).toContain('-Xmx512m');
    }
  });

  it('refuse ports that three nodes cannot share, naming the variable', () => {
    expect(() =>
      loadInfraConfig({ KAFKA_BROKER_COUNT: '3', KAFKA_PORT: '24092', KAFKA_CONTROLLER_PORT: '24094' }),
    ).toThrow(/^environment variable KAFKA_CONTROLLER_PORT: the 3 Kafka nodes need 6 distinct ports/);
    expect(() => loadInfraConfig({ KAFKA_BROKER_COUNT: '2' })).toThrow(
      /^environment variable KAFKA_BROKER_COUNT: must be 1 \(one broker\) or 3/,
    );
  });

  it('refuse to start one layout over a home that holds the other', () => {
    const home = mkdtempSync(join(tmpdir(), 'tsunagi-layout-'));
    const format = (name: string) => {
      mkdirSync(join(home, 'data', name, 'logs'), { recursive: true });
      writeFileSync(join(home, 'data', name, 'logs', 'meta.properties'), 'cluster.id=x\n');
    };
    const single = loadInfraConfig({ TSUNAGI_HOME: home });
    const cluster = loadInfraConfig({ TSUNAGI_HOME: home, KAFKA_BROKER_COUNT: '3' });
    expect(() => checkKafkaLayout(single)).not.toThrow();
    format('kafka-1');
    expect(() => checkKafkaLayout(single)).toThrow(
      /holds a three-broker Kafka cluster .* KAFKA_BROKER_COUNT=3/,
    );
    expect(() => checkKafkaLayout(cluster)).not.toThrow();
    format('kafka');
    expect(() => checkKafkaLayout(cluster)).toThrow(/holds a single-broker Kafka \(data\/kafka\)/);
  });
});

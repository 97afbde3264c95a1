import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { logLevel } from 'kafkajs';
import type { InfraConfig } from '../platform/config.js';
import { createKafka } from '../platform/kafka.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { checkKafkaLayout, formattedClusterId, type KafkaNode, kafkaNodes } from './kafka-cluster.js';
import { ensureBrokerSecrets, ensurePrincipalCredentials } from './kafka-secrets.js';
import { infraPaths } from './paths.js';
import { requireTool, runToCompletion, startDetached } from './process.js';
import type { InfraService } from './service.js';

export const KAFKA_VERSION = '3.9.1';
const POM = resolve(import.meta.dirname, 'kafka', 'pom.xml');
const LOG4J = resolve(import.meta.dirname, 'kafka', 'log4j.properties');
const JAVA_HINT = 'Install Java 17 and Maven (Debian: apt-get install -y openjdk-17-jre-headless maven).';

/** Fetches the Kafka runtime jars through Maven once into the cache; later runs reuse them. */
export function fetchKafkaRuntime(cacheDir: string, logger: Logger): string {
  const libs = join(cacheDir, `kafka-${KAFKA_VERSION}`, 'libs');
  const complete = join(libs, '.complete');
  if (existsSync(complete)) return libs;
  requireTool('java', 'to run Kafka', JAVA_HINT);
  requireTool('mvn', 'to fetch the Kafka jars from Maven Central', JAVA_HINT);
  logger.info({ version: KAFKA_VERSION, into: libs }, 'fetching Kafka runtime jars through Maven');
  runToCompletion(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      POM,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${libs}`,
    ],
    { what: 'mvn dependency:copy-dependencies (Kafka)' },
  );
  writeFileSync(complete, `${readdirSync(libs).length} jars\n`);
  return libs;
}

/** Runs `work` once, however many nodes ask for it (the nodes of a cluster prepare concurrently). */
const once = <A, T>(work: (arg: A) => Promise<T>): ((arg: A) => Promise<T>) => {
  let result: Promise<T> | undefined;
  return (arg) => {
    result ??= work(arg);
    return result;
  };
};

/**
 * The local Kafka as infra services: one broker (`kafka`), or with KAFKA_BROKER_COUNT=3 three
 * nodes `kafka-1..3` (kafka-cluster.ts). Every listener speaks mutual TLS and every request is
 * authorised by KRaft's StandardAuthorizer against the ACLs of infra/acls.ts; see
 * broker-security.ts for the settings shared with the deployment descriptor.
 */
export function kafkaServices(config: InfraConfig): InfraService[] {
  const paths = infraPaths(config.home);
  const nodes = kafkaNodes(config);
  const libs = join(paths.cache, `kafka-${KAFKA_VERSION}`, 'libs');
  const java = (main: string, args: string[]) => [
    '-cp',
    `${libs}/*`,
    `-Dlog4j.configuration=file:${LOG4J}`,
    main,
    ...args,
  ];
  // The runtime, the CA and the cluster id are made once for all nodes (they prepare concurrently).
  const shared = once(async (logger: Logger) => {
    checkKafkaLayout(config);
    fetchKafkaRuntime(paths.cache, logger);
    for (const node of nodes)
      await ensureBrokerSecrets(config.kafkaSecretsDir, logger, nodes.length > 1 ? node.nodeId : undefined);
    await ensurePrincipalCredentials(config.kafkaSecretsDir, ['admin'], logger);
    return (
      formattedClusterId(nodes) ??
      (runToCompletion('java', java('kafka.tools.StorageTool', ['random-uuid']), {
        what: 'kafka-storage random-uuid',
      })
        .trim()
        .split('\n')
        .pop() as string)
    );
  });
  return nodes.map((node) => kafkaNodeService(config, node, { libs, java, shared }));
}

/**
 * The Kafka processes of both layouts (one broker, three nodes), so `infra down` stops whichever this
 * home runs even when KAFKA_BROKER_COUNT is not set as it was at `up`.
 */
export function kafkaServicesOfEitherLayout(config: InfraConfig): InfraService[] {
  return ([1, 3] as const).flatMap((count) => {
    try {
      return kafkaServices({ ...config, KAFKA_BROKER_COUNT: count });
    } catch {
      return []; // ports that cannot hold three nodes: that layout was never started here
    }
  });
}

function kafkaNodeService(
  config: InfraConfig,
  node: KafkaNode,
  runtime: {
    libs: string;
    java: (main: string, args: string[]) => string[];
    shared: (logger: Logger) => Promise<string>;
  },
): InfraService {
  const paths = infraPaths(config.home);
  const propsFile = join(node.dataDir, 'server.properties');
  const { java } = runtime;
  const address = `127.0.0.1:${node.brokerPort}`;

  return {
    name: node.name,
    // The cache path is the marker; in a cluster the properties file tells the nodes apart.
    process: {
      name: node.name,
      pidFile: paths.pidFile(node.name),
      logFile: paths.log(node.name),
      marker: node.name === 'kafka' ? runtime.libs : propsFile,
    },
    ports: [node.brokerPort, node.controllerPort],
    startupTimeoutMs: 90_000,
    endpoint: `SSL://${address}, mutual TLS, ACLs (KRaft controller 127.0.0.1:${node.controllerPort}, mutual TLS)`,
    // A broker started with other settings (e.g. before TLS and ACLs) is restarted with these.
    isStale: () => existsSync(propsFile) && readFileSync(propsFile, 'utf8') !== node.properties,
    async prepare(logger) {
      const clusterId = await runtime.shared(logger);
      mkdirSync(node.dataDir, { recursive: true });
      writeFileSync(propsFile, node.properties);
      if (!existsSync(join(node.dataDir, 'logs', 'meta.properties'))) {
        runToCompletion(
          'java',
          java('kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', propsFile, '--ignore-formatted']),
          { what: `kafka-storage format (${node.name})` },
        );
        logger.info({ clusterId, node: node.name }, 'formatted KRaft storage');
      }
    },
    launch() {
      return startDetached(this.process, 'java', [
        ...node.heap,
        '-XX:+UseG1GC',
        `-Dkafka.logs.dir=${join(config.home, 'logs')}`,
        ...java('kafka.Kafka', [propsFile]),
      ]);
    },
    // Ready when this node answers on its own listener and is a registered, unfenced broker of a
    // cluster that has an active controller (a cluster node alone has no quorum, so it waits for a peer).
    async isReady() {
      const admin = createKafka({ ...config, kafkaBrokers: [address] }, createLogger({ level: 'silent' }), {
        principal: 'admin',
        clientId: 'tsunagi-infra',
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        connectionTimeout: 1000,
      }).admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.controller !== null && cluster.brokers.some((b) => b.nodeId === node.nodeId);
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}

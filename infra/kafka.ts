import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { logLevel } from 'kafkajs';
import type { InfraConfig } from '../platform/config.js';
import { createKafka } from '../platform/kafka.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { brokerSecurityProperties } from './broker-security.js';
import { brokerKeystoreFile, ensureBrokerSecrets, ensurePrincipalCredentials } from './kafka-secrets.js';
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

/**
 * Both listeners speak mutual TLS and every request is authorised by KRaft's StandardAuthorizer
 * against the ACLs of infra/acls.ts; see broker-security.ts for the settings shared with the
 * deployment descriptor.
 */
function serverProperties(config: InfraConfig, dataDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${config.KAFKA_CONTROLLER_PORT}`,
    `listeners=SSL://127.0.0.1:${config.KAFKA_PORT},CONTROLLER://127.0.0.1:${config.KAFKA_CONTROLLER_PORT}`,
    `advertised.listeners=SSL://127.0.0.1:${config.KAFKA_PORT}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=SSL',
    'listener.security.protocol.map=SSL:SSL,CONTROLLER:SSL',
    ...Object.entries(
      brokerSecurityProperties({
        keystore: brokerKeystoreFile(config.kafkaSecretsDir),
        truststore: join(config.kafkaSecretsDir, 'ca.pem'),
      }),
    ).map(([key, value]) => `${key}=${value}`),
    `log.dirs=${join(dataDir, 'logs')}`,
    'num.partitions=3',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'min.insync.replicas=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'log.retention.hours=-1',
    '',
  ].join('\n');
}

export function kafkaService(config: InfraConfig): InfraService {
  const paths = infraPaths(config.home);
  const dataDir = paths.data('kafka');
  const propsFile = join(dataDir, 'server.properties');
  const libs = join(paths.cache, `kafka-${KAFKA_VERSION}`, 'libs');
  const classpath = `${libs}/*`;
  const java = (main: string, args: string[]) => [
    '-cp',
    classpath,
    `-Dlog4j.configuration=file:${LOG4J}`,
    main,
    ...args,
  ];

  return {
    name: 'kafka',
    process: { name: 'kafka', pidFile: paths.pidFile('kafka'), logFile: paths.log('kafka'), marker: libs },
    ports: [config.KAFKA_PORT, config.KAFKA_CONTROLLER_PORT],
    startupTimeoutMs: 90_000,
    endpoint: `SSL://127.0.0.1:${config.KAFKA_PORT}, mutual TLS, ACLs (KRaft controller 127.0.0.1:${config.KAFKA_CONTROLLER_PORT}, mutual TLS)`,
    // A broker started with other settings (e.g. before TLS and ACLs) is restarted with these.
    isStale: () =>
      existsSync(propsFile) && readFileSync(propsFile, 'utf8') !== serverProperties(config, dataDir),
    async prepare(logger) {
      fetchKafkaRuntime(paths.cache, logger);
      await ensureBrokerSecrets(config.kafkaSecretsDir, logger);
      await ensurePrincipalCredentials(config.kafkaSecretsDir, ['admin'], logger);
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(propsFile, serverProperties(config, dataDir));
      if (!existsSync(join(dataDir, 'logs', 'meta.properties'))) {
        const clusterId = runToCompletion('java', java('kafka.tools.StorageTool', ['random-uuid']), {
          what: 'kafka-storage random-uuid',
        })
          .trim()
          .split('\n')
          .pop() as string;
        runToCompletion(
          'java',
          java('kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', propsFile, '--ignore-formatted']),
          {
            what: 'kafka-storage format',
          },
        );
        logger.info({ clusterId }, 'formatted KRaft storage');
      }
    },
    launch() {
      return startDetached(this.process, 'java', [
        '-Xms256m',
        '-Xmx1g',
        '-XX:+UseG1GC',
        `-Dkafka.logs.dir=${join(config.home, 'logs')}`,
        ...java('kafka.Kafka', [propsFile]),
      ]);
    },
    async isReady() {
      const admin = createKafka(config, createLogger({ level: 'silent' }), {
        principal: 'admin',
        clientId: 'tsunagi-infra',
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        connectionTimeout: 1000,
      }).admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length > 0 && cluster.controller !== null;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}

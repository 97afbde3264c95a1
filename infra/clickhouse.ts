import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePasswords, reportsClusterXml, usersXml } from '../analytics/clickhouse-users.js';
import { analyticsDatabases } from '../analytics/ddl.js';
import { credentialsFile, readAnalyticsSettings } from '../analytics/settings.js';
import { TsunagiError } from '../core/errors.js';
import type { InfraConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { infraPaths } from './paths.js';
import { commandExists, runToCompletion, startDetached } from './process.js';
import type { InfraService } from './service.js';

const SERVER_BINARIES = ['/usr/bin/clickhouse-server', '/usr/sbin/clickhouse-server'];

const findServer = (): string | undefined =>
  SERVER_BINARIES.find((p) => existsSync(p)) ??
  (commandExists('clickhouse-server') ? 'clickhouse-server' : undefined);

/** Installs Debian's clickhouse-server when it is missing (needs root and apt-get). */
export function ensureClickhouseInstalled(logger: Logger): string {
  const found = findServer();
  if (found) return found;
  if (!commandExists('apt-get')) {
    throw new TsunagiError(
      'INFRA_TOOL_MISSING',
      "'clickhouse-server' is not installed and 'apt-get' is absent; install ClickHouse by hand.",
    );
  }
  if (process.getuid?.() !== 0) {
    throw new TsunagiError(
      'INFRA_TOOL_MISSING',
      "'clickhouse-server' is not installed; run as root or: sudo apt-get install -y clickhouse-server",
    );
  }
  logger.info('installing clickhouse-server from Debian packages (apt-get)');
  runToCompletion('apt-get', ['update', '-q'], { what: 'apt-get update' });
  runToCompletion(
    'sh',
    ['-c', 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends clickhouse-server'],
    { what: 'apt-get install clickhouse-server' },
  );
  const installed = findServer();
  if (!installed)
    throw new TsunagiError(
      'INFRA_TOOL_MISSING',
      'clickhouse-server was installed but its binary was not found',
    );
  return installed;
}

/**
 * A private instance: own paths and ports, loopback only, no password for the local default user
 * (the admin infra/ provisions with); the analytics users and their cluster (analytics/clickhouse-users.ts).
 */
function configXml(config: InfraConfig, dataDir: string, logDir: string, cluster: string): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${logDir}/clickhouse-server.log</log>
    <errorlog>${logDir}/clickhouse-server.err.log</errorlog>
    <size>100M</size>
    <count>3</count>
  </logger>
  <http_port>${config.CLICKHOUSE_HTTP_PORT}</http_port>
  <tcp_port>${config.CLICKHOUSE_TCP_PORT}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <max_connections>256</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <max_concurrent_queries>50</max_concurrent_queries>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <path>${dataDir}/</path>
  <tmp_path>${dataDir}/tmp/</tmp_path>
  <user_files_path>${dataDir}/user_files/</user_files_path>
  <format_schema_path>${dataDir}/format_schemas/</format_schema_path>
  <users_config>${dataDir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
${cluster}
</yandex>
`;
}

export function clickhouseService(config: InfraConfig): InfraService {
  const paths = infraPaths(config.home);
  const dataDir = paths.data('clickhouse');
  const configFile = join(dataDir, 'config.xml');

  return {
    name: 'clickhouse',
    process: {
      name: 'clickhouse',
      pidFile: paths.pidFile('clickhouse'),
      logFile: paths.log('clickhouse'),
      marker: configFile,
    },
    ports: [config.CLICKHOUSE_HTTP_PORT, config.CLICKHOUSE_TCP_PORT],
    startupTimeoutMs: 30_000,
    endpoint: `${config.clickhouseUrl} (native 127.0.0.1:${config.CLICKHOUSE_TCP_PORT})`,
    async prepare(logger: Logger) {
      ensureClickhouseInstalled(logger);
      for (const sub of ['tmp', 'user_files', 'format_schemas'])
        mkdirSync(join(dataDir, sub), { recursive: true });
      const logDir = join(config.home, 'logs');
      mkdirSync(logDir, { recursive: true });
      const passwords = ensurePasswords(credentialsFile(config, readAnalyticsSettings()));
      const cluster = reportsClusterXml(config.CLICKHOUSE_TCP_PORT, passwords);
      writeFileSync(configFile, configXml(config, dataDir, logDir, cluster), { mode: 0o600 });
      chmodSync(configFile, 0o600);
      writeFileSync(
        join(dataDir, 'users.xml'),
        usersXml(passwords, analyticsDatabases(config.CLICKHOUSE_DATABASE)),
        { mode: 0o600 },
      );
      chmodSync(join(dataDir, 'users.xml'), 0o600);
    },
    launch() {
      const server = findServer();
      if (!server) throw new TsunagiError('INFRA_TOOL_MISSING', "'clickhouse-server' is not installed");
      return startDetached(this.process, server, [`--config-file=${configFile}`], { cwd: dataDir });
    },
    async isReady() {
      const response = await fetch(`${config.clickhouseUrl}/ping`, { signal: AbortSignal.timeout(2000) });
      return response.ok;
    },
  };
}

import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsunagiError } from '../core/errors.js';
import type { InfraConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { infraPaths } from './paths.js';
import { requireTool, runToCompletion, startDetached } from './process.js';
import { ensureBackwardCompatibility } from './registry-compatibility.js';
import type { InfraService } from './service.js';

/**
 * Apicurio Registry 3.0.9: the newest 3.x on Maven Central that runs on Java 17
 * (3.3.x is built for Java 21). Its Confluent-compatible API is at /apis/ccompat/v7.
 */
export const APICURIO_VERSION = '3.0.9';
const JAVA_HINT = 'Install Java 17 and Maven (Debian: apt-get install -y openjdk-17-jre-headless maven).';

export function fetchApicurio(cacheDir: string, logger: Logger): string {
  const base = join(cacheDir, `apicurio-${APICURIO_VERSION}`);
  const app = join(base, 'app');
  const complete = join(base, '.complete');
  if (existsSync(complete)) return app;
  requireTool('java', 'to run the schema registry', JAVA_HINT);
  requireTool('mvn', 'to fetch Apicurio Registry from Maven Central', JAVA_HINT);
  requireTool('tar', 'to unpack Apicurio Registry', 'Install tar.');
  logger.info({ version: APICURIO_VERSION, into: base }, 'fetching Apicurio Registry through Maven');
  const download = join(base, 'download');
  mkdirSync(download, { recursive: true });
  runToCompletion(
    'mvn',
    [
      '-q',
      '-B',
      'dependency:copy',
      `-Dartifact=io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all`,
      `-DoutputDirectory=${download}`,
    ],
    { what: 'mvn dependency:copy (Apicurio Registry)', cwd: cacheDir },
  );
  const archive = readdirSync(download).find((f) => f.endsWith('.tar.gz'));
  if (!archive) throw new TsunagiError('INFRA_START_FAILED', `no Apicurio archive in ${download}`);
  rmSync(app, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  runToCompletion('tar', ['xzf', join(download, archive), '-C', app], {
    what: 'unpacking Apicurio Registry',
  });
  rmSync(download, { recursive: true, force: true });
  writeFileSync(complete, `${APICURIO_VERSION}\n`);
  return app;
}

const runnerJar = (app: string): string => {
  const jar = readdirSync(app).find((f) => f.endsWith('-runner.jar') || f === 'quarkus-run.jar');
  if (!jar) throw new TsunagiError('INFRA_START_FAILED', `no runnable jar in ${app}`);
  return join(app, jar);
};

export function registryService(config: InfraConfig): InfraService {
  const paths = infraPaths(config.home);
  const dataDir = paths.data('registry');
  const app = join(paths.cache, `apicurio-${APICURIO_VERSION}`, 'app');
  const info = `${config.registryUrl}/apis/registry/v3/system/info`;

  return {
    name: 'registry',
    // The H2 file URL names our data dir, so it marks the process as ours.
    process: {
      name: 'registry',
      pidFile: paths.pidFile('registry'),
      logFile: paths.log('registry'),
      marker: dataDir,
    },
    ports: [config.REGISTRY_PORT],
    startupTimeoutMs: 120_000,
    endpoint: `${config.registryUrl} (Confluent-compatible API ${config.registryCcompatUrl})`,
    async prepare(logger) {
      fetchApicurio(paths.cache, logger);
      mkdirSync(dataDir, { recursive: true });
    },
    launch() {
      // File-backed H2 keeps schema ids stable across restarts; records already on
      // Kafka carry those ids, so an in-memory registry would orphan them. The global rule flag is
      // a default only the native API reports; configure() stores it for the Confluent API too.
      return startDetached(this.process, 'java', [
        '-Xms128m',
        '-Xmx512m',
        `-Dquarkus.http.port=${config.REGISTRY_PORT}`,
        '-Dquarkus.http.host=127.0.0.1',
        '-Dquarkus.log.console.format=%d{HH:mm:ss} %-5p [%c{2.}] %s%e%n',
        '-Dapicurio.storage.kind=sql',
        '-Dapicurio.storage.sql.kind=h2',
        `-Dapicurio.datasource.url=jdbc:h2:file:${join(dataDir, 'registry')}`,
        '-Dapicurio.datasource.username=sa',
        '-Dapicurio.datasource.password=sa',
        '-Dapicurio.rules.global.compatibility=BACKWARD',
        '-jar',
        runnerJar(app),
      ]);
    },
    async isReady() {
      const response = await fetch(info, { signal: AbortSignal.timeout(2000) });
      return response.ok;
    },
    configure: (logger) => ensureBackwardCompatibility(config, logger),
  };
}

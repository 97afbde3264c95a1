import { existsSync, lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { kafkaServices } from '../../../infra/kafka.js';
import { registryService } from '../../../infra/registry.js';
import type { InfraService } from '../../../infra/service.js';
import { type InfraConfig, loadInfraConfig } from '../../../platform/config.js';

/**
 * Where the fault tier runs: its own home and ports, beside (never on) the stack the other tiers
 * share, so CI can run both and a developer's running stack is never touched.
 *
 * - home: TSUNAGI_FAULT_HOME, default `<repository>/.tsunagi/fault` (git-ignored); its download cache
 *   is the repository's `.tsunagi/cache` (a symlink), so Kafka and Apicurio are fetched once for all;
 * - ports from TSUNAGI_FAULT_PORT_BASE (default 24200): Kafka nodes base+92/93, +94/95, +96/97 and the
 *   registry base+81. No ClickHouse: the tier proves what Kafka, the registry and our processes keep.
 */
export const REPOSITORY = resolve(import.meta.dirname, '..', '..', '..');

export function faultEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const base = Number(env.TSUNAGI_FAULT_PORT_BASE ?? 24200);
  return {
    TSUNAGI_HOME: resolve(env.TSUNAGI_FAULT_HOME ?? join(REPOSITORY, '.tsunagi', 'fault')),
    KAFKA_BROKER_COUNT: '3',
    KAFKA_PORT: String(base + 92),
    KAFKA_CONTROLLER_PORT: String(base + 93),
    REGISTRY_PORT: String(base + 81),
    // A developer's own overrides must not point the tier elsewhere.
    KAFKA_BROKERS: '',
    REGISTRY_URL: '',
    KAFKA_SECRETS_DIR: '',
    KAFKA_TLS_CA_FILE: '',
    KAFKA_TLS_CERT_FILE: '',
    KAFKA_TLS_KEY_FILE: '',
    TOPIC_REPLICATION_FACTOR: '',
  };
}

/** The tier's infrastructure configuration (three brokers, replication factor 3, its own registry). */
export const faultConfig = (): InfraConfig => loadInfraConfig({ ...process.env, ...faultEnv() });

/** The tier's servers: three Kafka nodes and the schema registry. */
export const faultServers = (config = faultConfig()): InfraService[] => [
  ...kafkaServices(config),
  registryService(config),
];

/** The fault home's `cache` is the repository's download cache. */
export function shareDownloadCache(config: InfraConfig): void {
  const shared = join(REPOSITORY, '.tsunagi', 'cache');
  const link = join(config.home, 'cache');
  mkdirSync(shared, { recursive: true });
  mkdirSync(config.home, { recursive: true });
  const present = existsSync(link) || lstatIfAny(link);
  if (!present && resolve(shared) !== resolve(link)) symlinkSync(shared, link, 'dir');
}

const lstatIfAny = (path: string): boolean => {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
};

import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localCredentialFiles } from '../platform/kafka-credentials.js';
import type { Logger } from '../platform/logger.js';
import { createKafkaCa, issueKafkaCertificate, type KafkaCa, loadKafkaCa } from './kafka-pki.js';

/**
 * The local stack's Kafka secrets folder (KAFKA_SECRETS_DIR, default `<TSUNAGI_HOME>/secrets/kafka`,
 * git-ignored): `ca.pem`/`ca.key`, the broker's PEM keystore, and `<principal>.pem`/`.key` for each
 * principal. The folder is 0700 and every file 0600. Nothing here is ever committed; a deployment
 * brings its own PKI (docs/deployment.md).
 */
export const brokerKeystoreFile = (dir: string, nodeId?: number): string =>
  join(dir, nodeId === undefined ? 'broker.keystore.pem' : `broker-${nodeId}.keystore.pem`);
const caFiles = (dir: string) => ({ cert: join(dir, 'ca.pem'), key: join(dir, 'ca.key') });

/** Host names and addresses the local broker's certificate is valid for. */
export const LOCAL_BROKER_HOSTS = ['127.0.0.1', 'localhost'] as const;

function writeSecret(file: string, content: string): void {
  // Written aside and renamed, so a reader never sees half a key.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, content, { mode: 0o600 });
  renameSync(partial, file);
}

/** The CA of a secrets folder, to issue more certificates from it. */
export const loadLocalCa = (dir: string): Promise<KafkaCa> =>
  loadKafkaCa(readFileSync(caFiles(dir).cert, 'utf8'), readFileSync(caFiles(dir).key, 'utf8'));

/** Issues `principal` a client certificate from `ca` into `dir` (the files createKafka reads). */
export async function writePrincipalCredentials(dir: string, ca: KafkaCa, principal: string): Promise<void> {
  const issued = await issueKafkaCertificate(ca, principal);
  const files = localCredentialFiles(dir, principal);
  writeSecret(files.key, issued.keyPem);
  writeSecret(files.cert, issued.certPem);
}

async function ensureCa(dir: string, logger: Logger): Promise<KafkaCa> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const files = caFiles(dir);
  if (existsSync(files.cert) && existsSync(files.key)) return loadLocalCa(dir);
  const ca = await createKafkaCa();
  writeSecret(files.key, ca.keyPem);
  writeSecret(files.cert, ca.certPem);
  logger.info({ dir }, 'created the local Kafka CA');
  return ca;
}

/**
 * The CA and a broker's keystore (its key, its certificate and the CA, in one PEM file as
 * Kafka's `ssl.keystore.type=PEM` reads it); made once, kept across restarts and resets. Each node
 * of the local cluster has its own key and certificate (`nodeId`); all are CN `broker`, the
 * brokers' super-user principal.
 */
export async function ensureBrokerSecrets(
  dir: string,
  logger: Logger,
  nodeId?: number,
): Promise<{ keystore: string; truststore: string }> {
  const ca = await ensureCa(dir, logger);
  const keystore = brokerKeystoreFile(dir, nodeId);
  if (!existsSync(keystore)) {
    const broker = await issueKafkaCertificate(ca, 'broker', { hosts: LOCAL_BROKER_HOSTS });
    writeSecret(keystore, `${broker.keyPem}${broker.certPem}${ca.certPem}`);
  }
  return { keystore, truststore: caFiles(dir).cert };
}

/** A client certificate for each principal that has none yet (idempotent). Returns the ones issued. */
export async function ensurePrincipalCredentials(
  dir: string,
  principals: readonly string[],
  logger: Logger,
): Promise<string[]> {
  const missing = principals.filter((p) => !existsSync(localCredentialFiles(dir, p).cert));
  if (missing.length === 0) return [];
  const ca = await ensureCa(dir, logger);
  for (const principal of missing) await writePrincipalCredentials(dir, ca, principal);
  logger.info({ principals: missing }, 'issued Kafka client certificates');
  return missing;
}

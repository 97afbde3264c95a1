import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsunagiError } from '../core/errors.js';
import type { InfraConfig } from './config.js';

/**
 * Who a Kafka client is. The broker authenticates every connection by its client certificate
 * (mutual TLS) and maps the certificate's CN to the principal the ACLs name (infra/acls.ts).
 * The hub's processes each have their own principal; an agency's principal is its agency id,
 * the same id as the CN of its gateway certificate.
 */
export const HUB_PRINCIPALS = [
  'broker',
  'admin',
  'ingest',
  'projector',
  'subscriptions',
  'gateway',
  'jpki-revocations',
  'analytics',
  'trail-log',
  'notices',
  'operator',
  'reconcile',
  'registry',
] as const;
export type HubPrincipal = (typeof HUB_PRINCIPALS)[number];
/** A hub principal or an agency id. */
export type KafkaPrincipal = HubPrincipal | (string & Record<never, never>);

/** Safe as a certificate CN, a file name and an ACL principal; agency ids already fit. */
export const PRINCIPAL_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export type KafkaTlsSettings = Pick<
  InfraConfig,
  'kafkaBrokers' | 'kafkaSecretsDir' | 'KAFKA_TLS_CA_FILE' | 'KAFKA_TLS_CERT_FILE' | 'KAFKA_TLS_KEY_FILE'
>;

export interface CredentialFiles {
  /** PEM: the CA that issued the brokers' certificates. */
  ca: string;
  /** PEM: the client certificate whose CN is the principal. */
  cert: string;
  /** PEM: its private key (PKCS#8, unencrypted; the file itself is 0600). */
  key: string;
}

/** Where the local stack keeps a principal's files (issued by infra/kafka-pki.ts at `infra up`). */
export const localCredentialFiles = (secretsDir: string, principal: string): CredentialFiles => ({
  ca: join(secretsDir, 'ca.pem'),
  cert: join(secretsDir, `${principal}.pem`),
  key: join(secretsDir, `${principal}.key`),
});

const ENV_FILES = ['KAFKA_TLS_CA_FILE', 'KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE'] as const;

const configError = (variable: string, message: string) =>
  new TsunagiError('CONFIG_INVALID', `${variable}: ${message}`, { path: variable });

/** The certificate's CN, as the broker's principal mapping rule reads it. */
export function certificateCommonName(pem: string | Buffer): string | undefined {
  const subject = new X509Certificate(pem).subject;
  return subject
    .split('\n')
    .find((line) => line.startsWith('CN='))
    ?.slice(3);
}

/**
 * The PEM files a client of `principal` authenticates with. A deployment names them with
 * KAFKA_TLS_CA_FILE, KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE (all three, and the
 * certificate's CN must be the principal); otherwise they come from the local secrets folder.
 * Anything missing is CONFIG_INVALID naming the variable: there is no fallback identity.
 */
export function credentialFiles(settings: KafkaTlsSettings, principal: KafkaPrincipal): CredentialFiles {
  if (!PRINCIPAL_PATTERN.test(principal))
    throw configError('principal', `"${principal}" is not a valid Kafka principal name`);
  const named = ENV_FILES.filter((variable) => settings[variable] !== undefined);
  if (named.length > 0) {
    const missing = ENV_FILES.find((variable) => settings[variable] === undefined);
    if (missing) throw configError(missing, `must be set together with ${named.join(' and ')}`);
    for (const variable of ENV_FILES)
      if (!existsSync(settings[variable] as string))
        throw configError(variable, `file ${settings[variable]} does not exist`);
    const files = {
      ca: settings.KAFKA_TLS_CA_FILE as string,
      cert: settings.KAFKA_TLS_CERT_FILE as string,
      key: settings.KAFKA_TLS_KEY_FILE as string,
    };
    const cn = certificateCommonName(readFileSync(files.cert));
    if (cn !== principal)
      throw configError(
        'KAFKA_TLS_CERT_FILE',
        `the certificate is for principal "${cn ?? '(no CN)'}" but this client is "${principal}"`,
      );
    return files;
  }
  const files = localCredentialFiles(settings.kafkaSecretsDir, principal);
  for (const file of [files.ca, files.cert, files.key])
    if (!existsSync(file))
      throw configError(
        'KAFKA_TLS_CERT_FILE',
        `no Kafka credentials for principal "${principal}" (${file} is missing): run \`npm run infra -- up\` to issue the local ones, or set KAFKA_TLS_CA_FILE, KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE`,
      );
  return files;
}

/** Node TLS options (as kafkajs passes them to `tls.connect`) for a principal. */
export function tlsOptions(settings: KafkaTlsSettings, principal: KafkaPrincipal) {
  const files = credentialFiles(settings, principal);
  return { ca: readFileSync(files.ca), cert: readFileSync(files.cert), key: readFileSync(files.key) };
}

/**
 * The same identity as librdkafka-style properties (confluent-kafka in Python, kcat, Go and
 * .NET clients), for clients not written in Node. Paths, never contents.
 */
export function librdkafkaProperties(
  settings: KafkaTlsSettings,
  principal: KafkaPrincipal,
): Record<string, string> {
  const files = credentialFiles(settings, principal);
  return {
    'bootstrap.servers': settings.kafkaBrokers.join(','),
    'security.protocol': 'SSL',
    'ssl.ca.location': files.ca,
    'ssl.certificate.location': files.cert,
    'ssl.key.location': files.key,
    'ssl.endpoint.identification.algorithm': 'https',
  };
}

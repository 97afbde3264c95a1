import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TsunagiError } from '../core/errors.js';
import { createKafkaCa } from '../infra/kafka-pki.js';
import { writePrincipalCredentials } from '../infra/kafka-secrets.js';
import { loadInfraConfig } from './config.js';
import { createKafka } from './kafka.js';
import { credentialFiles, librdkafkaProperties, tlsOptions } from './kafka-credentials.js';
import { createLogger } from './logger.js';

const logger = createLogger({ level: 'silent' });
let dir: string;

const refusal = (attempt: () => unknown): { code: string; path?: string; message: string } => {
  try {
    attempt();
  } catch (error) {
    if (!(error instanceof TsunagiError)) throw error;
    return { code: error.code, path: error.path, message: error.message };
  }
  throw new Error('expected a refusal');
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tsunagi-credentials-'));
  const ca = await createKafkaCa();
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  await writePrincipalCredentials(dir, ca, 'projector');
});

describe('Kafka client credentials', () => {
  it('reads a principal’s certificate and key from the local secrets folder', () => {
    const config = loadInfraConfig({ KAFKA_SECRETS_DIR: dir });
    expect(credentialFiles(config, 'projector')).toEqual({
      ca: join(dir, 'ca.pem'),
      cert: join(dir, 'projector.pem'),
      key: join(dir, 'projector.key'),
    });
    expect(tlsOptions(config, 'projector').key.toString()).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('refuses a principal without credentials with CONFIG_INVALID naming the variable, never another identity', () => {
    const config = loadInfraConfig({ KAFKA_SECRETS_DIR: dir });
    const refused = refusal(() => createKafka(config, logger, { principal: 'gateway' }));
    expect(refused.code).toBe('CONFIG_INVALID');
    expect(refused.path).toBe('KAFKA_TLS_CERT_FILE');
    expect(refused.message).toBe(
      `KAFKA_TLS_CERT_FILE: no Kafka credentials for principal "gateway" (${join(dir, 'gateway.pem')} is missing): run \`npm run infra -- up\` to issue the local ones, or set KAFKA_TLS_CA_FILE, KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE`,
    );
  });

  it('takes a deployment’s files from KAFKA_TLS_* only all together and only for the principal they name', () => {
    const files = {
      KAFKA_TLS_CA_FILE: join(dir, 'ca.pem'),
      KAFKA_TLS_CERT_FILE: join(dir, 'projector.pem'),
      KAFKA_TLS_KEY_FILE: join(dir, 'projector.key'),
    };
    expect(credentialFiles(loadInfraConfig(files), 'projector').cert).toBe(files.KAFKA_TLS_CERT_FILE);
    expect(
      refusal(() => credentialFiles(loadInfraConfig({ ...files, KAFKA_TLS_KEY_FILE: '' }), 'projector')),
    ).toEqual({
      code: 'CONFIG_INVALID',
      path: 'KAFKA_TLS_KEY_FILE',
      message: 'KAFKA_TLS_KEY_FILE: must be set together with KAFKA_TLS_CA_FILE and KAFKA_TLS_CERT_FILE',
    });
    expect(refusal(() => credentialFiles(loadInfraConfig(files), 'gateway'))).toEqual({
      code: 'CONFIG_INVALID',
      path: 'KAFKA_TLS_CERT_FILE',
      message:
        'KAFKA_TLS_CERT_FILE: the certificate is for principal "projector" but this client is "gateway"',
    });
    const missing = { ...files, KAFKA_TLS_CA_FILE: join(dir, 'nowhere.pem') };
    expect(refusal(() => credentialFiles(loadInfraConfig(missing), 'projector')).path).toBe(
      'KAFKA_TLS_CA_FILE',
    );
  });

  it('refuses a principal name that could not be a certificate CN or a file name', () => {
    const config = loadInfraConfig({ KAFKA_SECRETS_DIR: dir });
    expect(refusal(() => credentialFiles(config, '../ca')).code).toBe('CONFIG_INVALID');
  });

  it('gives the same identity as librdkafka properties for non-Node clients', () => {
    const config = loadInfraConfig({ KAFKA_SECRETS_DIR: dir, KAFKA_PORT: '21092' });
    expect(librdkafkaProperties(config, 'projector')).toEqual({
      'bootstrap.servers': '127.0.0.1:21092',
      'security.protocol': 'SSL',
      'ssl.ca.location': join(dir, 'ca.pem'),
      'ssl.certificate.location': join(dir, 'projector.pem'),
      'ssl.key.location': join(dir, 'projector.key'),
      'ssl.endpoint.identification.algorithm': 'https',
    });
  });
});

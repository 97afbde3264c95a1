import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TsunagiError } from '../core/errors.js';
import { loadInfraConfig } from './config.js';

describe('infrastructure configuration from the environment', () => {
  it('defaults to loopback servers on our own ports', () => {
    const config = loadInfraConfig({});
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:19092']);
    expect(config.registryCcompatUrl).toBe('http://127.0.0.1:18081/apis/ccompat/v7');
    expect(config.clickhouseUrl).toBe('http://127.0.0.1:18123');
    expect(config.TOPIC_PREFIX).toBe('tsunagi.');
    expect(config.kafkaSecretsDir).toBe(resolve('.tsunagi/secrets/kafka'));
  });

  it('reads ports and deployment overrides', () => {
    const config = loadInfraConfig({
      KAFKA_PORT: '29092',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      REGISTRY_PORT: '28081',
    });
    expect(config.KAFKA_PORT).toBe(29092);
    expect(config.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.registryUrl).toBe('http://127.0.0.1:28081');
  });

  it('names the variable that is wrong', () => {
    const attempt = () => loadInfraConfig({ KAFKA_PORT: 'ninety' });
    expect(attempt).toThrow(TsunagiError);
    expect(attempt).toThrow(/^environment variable KAFKA_PORT: /);
    try {
      attempt();
    } catch (error) {
      expect((error as TsunagiError).code).toBe('CONFIG_INVALID');
      expect((error as TsunagiError).path).toBe('KAFKA_PORT');
    }
  });

  it('rejects a topic prefix Kafka would not accept', () => {
    expect(() => loadInfraConfig({ TOPIC_PREFIX: 'bad prefix/' })).toThrow(/TOPIC_PREFIX/);
  });
});

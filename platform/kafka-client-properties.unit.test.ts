import { describe, expect, it } from 'vitest';
import { loadInfraConfig } from './config.js';
import { kafkaClientProperties, schemaRegistryClientProperties } from './kafka-client-properties.js';

describe('connection properties for stock (non-kafkajs) clients', () => {
  it('name the configured brokers and the Confluent-compatible registry API', () => {
    const config = loadInfraConfig({ KAFKA_BROKERS: 'a:9092, b:9092', REGISTRY_URL: 'http://registry:8080' });
    expect(kafkaClientProperties(config)).toEqual({ 'bootstrap.servers': 'a:9092,b:9092' });
    expect(schemaRegistryClientProperties(config)).toEqual({ url: 'http://registry:8080/apis/ccompat/v7' });
  });
});

import { describe, expect, it } from 'vitest';
import { loadInfraConfig } from './config.js';
import { schemaRegistryClientProperties } from './kafka-client-properties.js';

describe('registry properties for stock (non-kafkajs) clients', () => {
  it('name the Confluent-compatible registry API', () => {
    const config = loadInfraConfig({ REGISTRY_URL: 'http://registry:8080' });
    expect(schemaRegistryClientProperties(config)).toEqual({ url: 'http://registry:8080/apis/ccompat/v7' });
  });
});

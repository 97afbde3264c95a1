import { describe, expect, it } from 'vitest';
import {
  connectionLimitsOf,
  connectionsCheckingIntervalMs,
  DEFAULT_CONNECTION_LIMITS,
  instanceShare,
  loadGatewaySettings,
} from './settings.js';

const required = { GATEWAY_TLS_CERT: 'c.pem', GATEWAY_TLS_KEY: 'k.pem', GATEWAY_AGENCY_CA: 'ca.pem' };

describe('gateway connection limits', () => {
  it('default to seconds, not minutes', () => {
    const limits = connectionLimitsOf(loadGatewaySettings(required));
    expect(limits).toEqual(DEFAULT_CONNECTION_LIMITS);
    expect(limits).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      tlsHandshakeTimeoutMs: 10_000,
      maxHeaderBytes: 16_384,
    });
    expect(loadGatewaySettings(required).GATEWAY_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE).toBe(60);
  });

  it('are read from the environment', () => {
    const settings = loadGatewaySettings({
      ...required,
      GATEWAY_HEADERS_TIMEOUT_MS: '2000',
      GATEWAY_REQUEST_TIMEOUT_MS: '4000',
      GATEWAY_KEEP_ALIVE_TIMEOUT_MS: '1500',
      GATEWAY_TLS_HANDSHAKE_TIMEOUT_MS: '3000',
      GATEWAY_MAX_HEADER_BYTES: '8192',
    });
    expect(connectionLimitsOf(settings)).toEqual({
      headersTimeoutMs: 2_000,
      requestTimeoutMs: 4_000,
      keepAliveTimeoutMs: 1_500,
      tlsHandshakeTimeoutMs: 3_000,
      maxHeaderBytes: 8_192,
    });
  });

  it('refuse a request timeout shorter than the headers timeout, naming the variable', () => {
    expect(() =>
      loadGatewaySettings({
        ...required,
        GATEWAY_HEADERS_TIMEOUT_MS: '20000',
        GATEWAY_REQUEST_TIMEOUT_MS: '10000',
      }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', path: 'GATEWAY_REQUEST_TIMEOUT_MS' }));
    expect(() => loadGatewaySettings({ ...required, GATEWAY_TLS_HANDSHAKE_TIMEOUT_MS: '600000' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', path: 'GATEWAY_TLS_HANDSHAKE_TIMEOUT_MS' }),
    );
  });

  it('are checked often enough that a bound is not stretched by node’s 30 s default', () => {
    expect(connectionsCheckingIntervalMs(DEFAULT_CONNECTION_LIMITS)).toBe(1_000);
    expect(connectionsCheckingIntervalMs({ ...DEFAULT_CONNECTION_LIMITS, headersTimeoutMs: 1_000 })).toBe(
      250,
    );
    expect(connectionsCheckingIntervalMs({ ...DEFAULT_CONNECTION_LIMITS, headersTimeoutMs: 60 })).toBe(50);
  });
});

describe('several gateway instances', () => {
  it('each enforces its share of an agency budget, rounded down, so together they never exceed it', () => {
    expect(loadGatewaySettings(required).GATEWAY_INSTANCES).toBe(1);
    const two = loadGatewaySettings({ ...required, GATEWAY_INSTANCES: '2', GATEWAY_INSTANCE_ID: 'gw-b:42' });
    expect(instanceShare(600, two)).toBe(300);
    expect(instanceShare(601, loadGatewaySettings({ ...required, GATEWAY_INSTANCES: '3' }))).toBe(200);
    expect(instanceShare(1, two)).toBe(1);
    expect(two.GATEWAY_INSTANCE_ID).toBe('gw-b:42');
  });

  it('refuses an instance count below 1 and an instance id that could not name it in a record', () => {
    expect(() => loadGatewaySettings({ ...required, GATEWAY_INSTANCES: '0' })).toThrow(/GATEWAY_INSTANCES/);
    expect(() => loadGatewaySettings({ ...required, GATEWAY_INSTANCE_ID: 'a b' })).toThrow(
      /GATEWAY_INSTANCE_ID/,
    );
  });
});

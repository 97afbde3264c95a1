import { z } from 'zod';
import { port, readEnv } from '../platform/env.js';

/** How long a client may take at each stage before the gateway closes the connection (docs/gateway.md). */
export interface ConnectionLimits {
  /** From connection (after TLS) or the previous request until the request headers are complete. */
  headersTimeoutMs: number;
  /** From the request's start until headers and body are both received. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection between requests. */
  keepAliveTimeoutMs: number;
  /** From TCP accept until the TLS handshake is complete. */
  tlsHandshakeTimeoutMs: number;
  /** All request headers together; larger is 431. */
  maxHeaderBytes: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  tlsHandshakeTimeoutMs: 10_000,
  maxHeaderBytes: 16_384,
};

const millis = (max: number, fallback: number) => z.coerce.number().int().min(50).max(max).default(fallback);

/** The gateway's own environment variables (docs/gateway.md); infrastructure comes from platform/config.ts. */
export const GatewaySettings = z
  .object({
    /** PEM server certificate (chain) and key for TLS. */
    GATEWAY_TLS_CERT: z.string().min(1),
    GATEWAY_TLS_KEY: z.string().min(1),
    /** PEM bundle of the CA(s) that issue agency client certificates; no other client certificate is accepted. */
    GATEWAY_AGENCY_CA: z.string().min(1),
    /** Optional CRL (PEM or DER) of the agency CA; re-read when it changes. */
    GATEWAY_AGENCY_CRL: z.string().optional(),
    /** Optional file of revoked agency certificate serials (hex, one per line, `#` comments); re-read when it changes. */
    GATEWAY_REVOKED_SERIALS: z.string().optional(),
    GATEWAY_PORT: port(8443),
    GATEWAY_HOST: z.string().default('127.0.0.1'),
    /** Legal-basis table; default: the table bundled with core/policy. */
    GATEWAY_POLICY_FILE: z.string().optional(),
    /** Full topic names; default: `<TOPIC_PREFIX>access-trail` and `<TOPIC_PREFIX>consents`. */
    GATEWAY_TRAIL_TOPIC: z.string().optional(),
    GATEWAY_CONSENTS_TOPIC: z.string().optional(),
    /** How long an answer waits for the trail's acknowledgement before 503. */
    GATEWAY_TRAIL_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /** Requests per agency per minute, for the whole gateway (each of GATEWAY_INSTANCES takes its share). */
    GATEWAY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    /**
     * How many gateway instances answer behind the load balancer (docs/gateway.md, "Several
     * instances"): each enforces 1/n of every agency budget, so together they never exceed it.
     */
    GATEWAY_INSTANCES: z.coerce.number().int().min(1).max(64).default(1),
    /** This instance's name in the shared session ledger; default host name and process id. */
    GATEWAY_INSTANCE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/)
      .optional(),
    /** Links (POST /v1/links) per agency per minute, on top of its request budget (docs/linking.md). */
    GATEWAY_LINKS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
    /** Requests per client address per minute without an agency certificate (checked before the 401). */
    GATEWAY_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60),
    /** The residents' own budget: requests per signed-in resident per minute (resident routes). */
    GATEWAY_RESIDENT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
    /** Requests per client address per minute on the resident routes, page and proofs without a session. */
    GATEWAY_RESIDENT_ADDRESS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
    GATEWAY_HEADERS_TIMEOUT_MS: millis(120_000, DEFAULT_CONNECTION_LIMITS.headersTimeoutMs),
    GATEWAY_REQUEST_TIMEOUT_MS: millis(300_000, DEFAULT_CONNECTION_LIMITS.requestTimeoutMs),
    GATEWAY_KEEP_ALIVE_TIMEOUT_MS: millis(120_000, DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs),
    GATEWAY_TLS_HANDSHAKE_TIMEOUT_MS: millis(120_000, DEFAULT_CONNECTION_LIMITS.tlsHandshakeTimeoutMs),
    GATEWAY_MAX_HEADER_BYTES: z.coerce
      .number()
      .int()
      .min(1_024)
      .max(65_536)
      .default(DEFAULT_CONNECTION_LIMITS.maxHeaderBytes),
    /** File of at least 32 random bytes keying the client-address hash of the security audit; default: a new key per process. */
    GATEWAY_AUDIT_ADDRESS_KEY: z.string().optional(),
    /** Security events held while the topic is slow or down; past it they are dropped and counted. */
    GATEWAY_AUDIT_QUEUE_CAPACITY: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
    GATEWAY_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(10_485_760).default(65_536),
    /** Agency ids that act for residents (the resident portal): the only agencies that may record a consent. */
    GATEWAY_PORTAL_AGENCIES: z
      .string()
      .default('resident-portal')
      .transform((value) =>
        value
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      ),
  })
  .refine((s) => s.GATEWAY_REQUEST_TIMEOUT_MS >= s.GATEWAY_HEADERS_TIMEOUT_MS, {
    path: ['GATEWAY_REQUEST_TIMEOUT_MS'],
    message: 'must be at least GATEWAY_HEADERS_TIMEOUT_MS (the request includes its headers)',
  });
export type GatewaySettings = z.infer<typeof GatewaySettings>;

export const loadGatewaySettings = (env: NodeJS.ProcessEnv = process.env): GatewaySettings =>
  readEnv(GatewaySettings, env);

/**
 * One instance's share of a per-agency budget: the budget divided by GATEWAY_INSTANCES, rounded down
 * (at least 1), so the instances together accept at most the configured budget whatever the load
 * balancer's spread. An agency whose traffic reaches one instance only gets that share.
 */
export const instanceShare = (perMinute: number, settings: Pick<GatewaySettings, 'GATEWAY_INSTANCES'>) =>
  Math.max(1, Math.floor(perMinute / settings.GATEWAY_INSTANCES));

export const connectionLimitsOf = (settings: GatewaySettings): ConnectionLimits => ({
  headersTimeoutMs: settings.GATEWAY_HEADERS_TIMEOUT_MS,
  requestTimeoutMs: settings.GATEWAY_REQUEST_TIMEOUT_MS,
  keepAliveTimeoutMs: settings.GATEWAY_KEEP_ALIVE_TIMEOUT_MS,
  tlsHandshakeTimeoutMs: settings.GATEWAY_TLS_HANDSHAKE_TIMEOUT_MS,
  maxHeaderBytes: settings.GATEWAY_MAX_HEADER_BYTES,
});

/**
 * Node checks header and request deadlines on a timer (30 s by default, which would stretch a 10 s
 * bound to 40 s): check at a quarter of the shortest bound, between 50 ms and 1 s.
 */
export const connectionsCheckingIntervalMs = (limits: ConnectionLimits): number =>
  Math.max(50, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)));

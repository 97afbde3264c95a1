import { z } from 'zod';
import { port, readEnv } from '../platform/env.js';

/** The gateway's own environment variables (docs/gateway.md); infrastructure comes from platform/config.ts. */
export const GatewaySettings = z.object({
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
  /** Requests per agency per minute. */
  GATEWAY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
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
});
export type GatewaySettings = z.infer<typeof GatewaySettings>;

export const loadGatewaySettings = (env: NodeJS.ProcessEnv = process.env): GatewaySettings =>
  readEnv(GatewaySettings, env);

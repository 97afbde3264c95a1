import { z } from 'zod';
import { readEnv } from '../platform/env.js';

const list = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );

/** JPKI settings from the environment (documented in docs/jpki.md). */
export const JpkiSettings = z.object({
  /** PEM files of the trusted JPKI roots, comma-separated. */
  JPKI_TRUST_ANCHORS: list,
  /** PEM files of the issuing CAs, comma-separated. */
  JPKI_INTERMEDIATES: list,
  /** OCSP responder URL; empty means CRL view only. */
  JPKI_OCSP_URL: z.url({ protocol: /^https?$/ }).optional(),
  JPKI_OCSP_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  /** CRL locations (http(s) URLs or file paths), comma-separated. */
  JPKI_CRL_SOURCES: list,
  JPKI_CRL_INTERVAL_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(60 * 60_000),
  JPKI_CHALLENGE_TTL_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 60_000),
});
export type JpkiSettings = z.infer<typeof JpkiSettings>;

export const loadJpkiSettings = (env: NodeJS.ProcessEnv = process.env): JpkiSettings =>
  readEnv(JpkiSettings, env);

import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../platform/logger.js';
import { buildOcspRequest, type OcspRefusal, type OcspVerified, verifyOcspResponse } from './ocsp.js';
import { revocationKey } from './pki.js';
import type { RevocationQuery } from './revocation.js';

export type OcspOutcome =
  | { ok: true; answer: OcspVerified; cached: boolean }
  | { ok: false; reason: 'UNREACHABLE' | 'HTTP_ERROR' | OcspRefusal; detail?: string };

export interface OcspClient {
  check(query: RevocationQuery): Promise<OcspOutcome>;
}

export const OcspClientSettings = z.object({
  url: z.url({ protocol: /^https?$/ }),
  timeoutMs: z.number().int().positive().default(3_000),
  maxCacheEntries: z.number().int().positive().default(10_000),
});

export interface OcspClientDeps {
  url: string;
  clock: Clock;
  logger: Logger;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  maxCacheEntries?: number;
  /** Nonce source; tests inject a fixed one to provoke a mismatch. */
  nonce?: () => Uint8Array;
}

/**
 * An RFC 6960 client: HTTP POST of a DER request with a fresh 32-byte nonce, full response
 * verification (ocsp.ts), and a cache per issuer + serial that keeps a verified answer until
 * the response's nextUpdate (answers without nextUpdate are not cached). Never throws for a
 * responder problem: it answers `{ ok: false, reason }` so the caller can fall back.
 */
export function createOcspClient(deps: OcspClientDeps): OcspClient {
  const settings = OcspClientSettings.parse({
    url: deps.url,
    timeoutMs: deps.timeoutMs,
    maxCacheEntries: deps.maxCacheEntries,
  });
  const doFetch = deps.fetch ?? globalThis.fetch;
  const nonce = deps.nonce ?? (() => globalThis.crypto.getRandomValues(new Uint8Array(32)));
  const log = deps.logger.child({ component: 'ocsp-client' });
  const cache = new Map<string, OcspVerified & { nextUpdate: Date }>();

  function remember(key: string, answer: OcspVerified): void {
    if (!answer.nextUpdate) return;
    if (cache.size >= settings.maxCacheEntries) cache.delete(cache.keys().next().value as string);
    cache.set(key, { ...answer, nextUpdate: answer.nextUpdate });
  }

  return {
    async check(query) {
      const key = revocationKey(query.issuer, query.serialNumber);
      const now = deps.clock.now();
      const cached = cache.get(key);
      if (cached && cached.nextUpdate.getTime() > now.getTime())
        return { ok: true, answer: cached, cached: true };
      if (cached) cache.delete(key);

      const sent = nonce();
      const request = await buildOcspRequest(query.certificate, query.issuerCertificate, sent);
      let body: Uint8Array;
      try {
        const response = await doFetch(settings.url, {
          method: 'POST',
          headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
          body: request.der as Uint8Array<ArrayBuffer>,
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
        if (!response.ok) return { ok: false, reason: 'HTTP_ERROR', detail: `HTTP ${response.status}` };
        body = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        log.warn({ issuer: query.issuer, err: detail }, 'OCSP responder unreachable');
        return { ok: false, reason: 'UNREACHABLE', detail };
      }
      const verified = await verifyOcspResponse(body, {
        certId: request.certId,
        issuerCertificate: query.issuerCertificate,
        nonce: sent,
        at: now,
      });
      if (!verified.ok) {
        log.warn({ issuer: query.issuer, reason: verified.reason }, 'OCSP response refused');
        return verified;
      }
      remember(key, verified.answer);
      return { ok: true, answer: verified.answer, cached: false };
    },
  };
}

import { readFile } from 'node:fs/promises';
import type * as pkijs from 'pkijs';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import type { Logger } from '../platform/logger.js';
import { type CrlRefusal, diffRevocations, validateCrl } from './crl.js';
import type { CertificateStatusDraft, RevocationPublisher } from './revocation.js';
import type { RevocationRows } from './revocation-view.js';

/** A CRL location: an http(s) URL or a file path. */
export const CrlSource = z.union([
  z.url({ protocol: /^https?$/ }),
  z
    .string()
    .min(1)
    .regex(/^[^:]*$|^[A-Za-z]:\\/),
]);

export type CrlFetcher = (source: string) => Promise<Uint8Array>;

/** Reads files from disk and URLs over HTTP(S); any failure becomes a retriable TsunagiError. */
export function createCrlFetcher(
  options: { fetch?: typeof globalThis.fetch; timeoutMs?: number } = {},
): CrlFetcher {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async (source) => {
    try {
      if (!/^https?:\/\//.test(source)) return new Uint8Array(await readFile(source));
      const response = await doFetch(source, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    } catch (cause) {
      throw new TsunagiError('STORE_UNAVAILABLE', 'CRL could not be fetched', {
        path: source,
        cause,
        retriable: true,
      });
    }
  };
}

export type IngestOutcome =
  | { ok: true; issuer: string; published: number; thisUpdate: Date; nextUpdate: Date }
  | { ok: false; reason: CrlRefusal | 'FETCH_FAILED' | 'PUBLISH_FAILED'; detail?: string };

export interface CrlIngestDeps {
  logger: Logger;
  clock: Clock;
  fetcher: CrlFetcher;
  publisher: RevocationPublisher;
  /** The revocations view as of now, so only new revocations are published. */
  knownRevocations: RevocationRows;
  /** The CA that issues the CRL (the intermediate for card certificates). */
  issuerCertificate: Uint8Array | pkijs.Certificate;
}

/**
 * Fetch → validate (signature, issuer, freshness) → publish the revocations the view does not
 * know, then a `RevocationListIngested` marker. A refused CRL publishes nothing. Idempotent:
 * re-ingesting the same CRL publishes only the marker again, which the view ignores.
 */
export function createCrlIngest(deps: CrlIngestDeps) {
  const log = deps.logger.child({ component: 'crl-ingest' });
  return {
    async ingest(source: string): Promise<IngestOutcome> {
      let bytes: Uint8Array;
      try {
        bytes = await deps.fetcher(CrlSource.parse(source));
      } catch (error) {
        log.warn({ source, err: error instanceof Error ? error.message : String(error) }, 'CRL fetch failed');
        return { ok: false, reason: 'FETCH_FAILED', detail: source };
      }
      const validated = await validateCrl(bytes, {
        issuerCertificate: deps.issuerCertificate,
        at: deps.clock.now(),
      });
      if (!validated.ok) {
        log.warn({ source, reason: validated.reason }, 'CRL refused');
        return validated;
      }
      const { crl } = validated;
      const nextUpdate = crl.nextUpdate as Date; // validateCrl refuses a CRL without one
      const revocations = diffRevocations(deps.knownRevocations, crl);
      const events: CertificateStatusDraft[] = [
        ...revocations,
        {
          type: 'RevocationListIngested',
          data: { issuer: crl.issuer, thisUpdate: crl.thisUpdate, nextUpdate },
        },
      ];
      await deps.publisher.publish(events);
      log.info(
        { issuer: crl.issuer, entries: crl.entries.length, published: revocations.length },
        'CRL ingested',
      );
      return {
        ok: true,
        issuer: crl.issuer,
        published: revocations.length,
        thisUpdate: crl.thisUpdate,
        nextUpdate,
      };
    },
  };
}

export interface Timer {
  setInterval(run: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const systemTimer: Timer = {
  setInterval: (run, ms) => setInterval(run, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/**
 * Re-ingests every source each interval (JPKI CRLs are published about daily; hourly polling
 * picks a new one up well before the old one's nextUpdate). Runs never overlap; a failing run
 * is logged and retried at the next tick.
 */
export function scheduleCrlIngest(options: {
  ingest: (source: string) => Promise<IngestOutcome>;
  sources: readonly string[];
  intervalMs: number;
  logger: Logger;
  timer?: Timer;
}) {
  const timer = options.timer ?? systemTimer;
  let running: Promise<IngestOutcome[]> | undefined;
  const runNow = (): Promise<IngestOutcome[]> => {
    running ??= Promise.all(
      options.sources.map((source) =>
        options.ingest(source).catch((error: unknown): IngestOutcome => {
          options.logger.error(
            { source, err: error instanceof Error ? error.message : String(error) },
            'CRL ingest failed',
          );
          return { ok: false, reason: 'PUBLISH_FAILED', detail: source };
        }),
      ),
    ).finally(() => {
      running = undefined;
    });
    return running;
  };
  const handle = timer.setInterval(() => void runNow(), options.intervalMs);
  return { runNow, stop: () => timer.clearInterval(handle) };
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTsunagiError } from '../core/errors.js';
import { memoryView } from '../platform/memory-view.js';
import {
  createCrlFetcher,
  createCrlIngest,
  type IngestOutcome,
  scheduleCrlIngest,
  type Timer,
} from './crl-ingest.js';
import type { CertificateStatusDraft, RevocationPublisher } from './revocation.js';
import { isRevoked, revocationsView } from './revocation-view.js';
import { createTestPki, type TestPki } from './testing/pki/index.js';
import { manualClock, silentLogger } from './testing/pki/support.js';
import { statusEvents } from './testing/revocations.js';

const ISSUER = 'C=JP,O=Tsunagi Test JPKI,CN=Test Issuing CA';
const URL_A = 'https://crl.example.test/jpki.crl';
let pki: TestPki;
let dir: string;

beforeAll(async () => {
  pki = await createTestPki({ now: new Date('2026-04-01T00:00:00Z') });
  dir = await mkdtemp(join(tmpdir(), 'jpki-crl-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A publisher that feeds the view, as the reader of the topic will. */
function recordingPublisher() {
  const view = memoryView(revocationsView);
  const published: CertificateStatusDraft[][] = [];
  const publisher: RevocationPublisher = {
    publish: async (statuses) => {
      published.push([...statuses]);
      for (const event of statusEvents(statuses))
        view.apply(event, { topic: 't', partition: 0, offset: '0' });
    },
  };
  return { publisher, published, view };
}

const entry = (serialNumber: string) => ({
  serialNumber,
  revokedAt: new Date('2026-03-31T00:00:00Z'),
  reason: 'keyCompromise' as const,
});

function ingestWith(files: Record<string, Uint8Array>, sink = recordingPublisher()) {
  const ingest = createCrlIngest({
    logger: silentLogger(),
    clock: manualClock(pki.now),
    fetcher: async (source) => {
      const bytes = files[source];
      if (!bytes) throw new Error('unreachable');
      return bytes;
    },
    publisher: sink.publisher,
    knownRevocations: sink.view,
    issuerCertificate: pki.intermediate.der,
  });
  return { ingest, sink };
}

describe('CRL ingest', () => {
  it('publishes the new revocations and a coverage marker; re-ingesting publishes no revocation again', async () => {
    const first = await pki.issueCrl([entry('a1')], { crlNumber: 1 });
    const second = await pki.issueCrl([entry('a1'), entry('a2')], { crlNumber: 2 });
    const files: Record<string, Uint8Array> = { [URL_A]: first };
    const { ingest, sink } = ingestWith(files);

    expect(await ingest.ingest(URL_A)).toMatchObject({ ok: true, issuer: ISSUER, published: 1 });
    expect(await ingest.ingest(URL_A)).toMatchObject({ ok: true, published: 0 });
    files[URL_A] = second;
    expect(await ingest.ingest(URL_A)).toMatchObject({ ok: true, published: 1 });

    expect(sink.published.map((batch) => batch.map((event) => event.type))).toEqual([
      ['CertificateRevoked', 'RevocationListIngested'],
      ['RevocationListIngested'],
      ['CertificateRevoked', 'RevocationListIngested'],
    ]);
    expect(isRevoked(sink.view, ISSUER, 'a2')).toMatchObject({ revoked: true, reason: 'keyCompromise' });
  });

  it('publishes nothing for a CRL with a bad signature, or a stale one', async () => {
    const forged = await pki.issueCrl([entry('b1')], { badSignature: true });
    const stale = await pki.issueCrl([entry('b2')], {
      thisUpdate: new Date('2026-03-01T00:00:00Z'),
      nextUpdate: new Date('2026-03-02T00:00:00Z'),
    });
    const { ingest, sink } = ingestWith({ forged, stale });
    expect(await ingest.ingest('forged')).toMatchObject({ ok: false, reason: 'SIGNATURE_INVALID' });
    expect(await ingest.ingest('stale')).toMatchObject({ ok: false, reason: 'STALE' });
    expect(sink.published).toEqual([]);
  });

  it('reports FETCH_FAILED when the source cannot be read', async () => {
    const { ingest } = ingestWith({});
    expect(await ingest.ingest(URL_A)).toEqual({ ok: false, reason: 'FETCH_FAILED', detail: URL_A });
  });
});

describe('createCrlFetcher', () => {
  it('reads a file path and an http(s) URL through the injected fetch', async () => {
    const crl = await pki.issueCrl([]);
    const path = join(dir, 'test.crl');
    await writeFile(path, crl);
    const fetcher = createCrlFetcher({
      fetch: async (url) =>
        String(url) === URL_A
          ? new Response(crl as Uint8Array<ArrayBuffer>)
          : new Response('no', { status: 404 }),
    });
    expect(await fetcher(path)).toEqual(crl);
    expect(await fetcher(URL_A)).toEqual(crl);
    const error = await fetcher('https://crl.example.test/missing').catch((e: unknown) => e);
    expect(isTsunagiError(error) && error.retriable).toBe(true);
  });
});

describe('scheduleCrlIngest', () => {
  it('ingests every source on each tick, never overlapping, until stopped', async () => {
    let tick: (() => void) | undefined;
    let cleared = false;
    const timer: Timer = {
      setInterval: (run) => {
        tick = run;
        return 1;
      },
      clearInterval: () => {
        cleared = true;
      },
    };
    const calls: string[] = [];
    let release: (() => void) | undefined;
    const ingest = (source: string) =>
      new Promise<IngestOutcome>((resolve) => {
        calls.push(source);
        release = () => resolve({ ok: false, reason: 'FETCH_FAILED' });
      });
    const schedule = scheduleCrlIngest({
      ingest,
      sources: ['x'],
      intervalMs: 3_600_000,
      logger: silentLogger(),
      timer,
    });
    tick?.();
    tick?.();
    expect(calls).toEqual(['x']);
    release?.();
    await schedule.runNow();
    schedule.stop();
    expect(cleared).toBe(true);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InfraConfig } from '../platform/config.js';
import type { EventStore } from '../platform/event-store.js';
import { Topics, topicName } from '../schemas/topics.js';
import { quietLogger, testKafka, testLogger, testStore } from '../tests/support/infra.js';
import { readTopic } from '../tests/support/read-topic.js';
import { isolatedTopics } from '../tests/support/topics.js';
import { createCrlFetcher, createCrlIngest } from './crl-ingest.js';
import { createOcspClient } from './ocsp-client.js';
import { formatName, serialHex } from './pki.js';
import type { RevocationChecker, RevocationReason } from './revocation.js';
import { revocationEventId } from './revocation-events.js';
import { type RevocationService, startRevocationService } from './revocation-service.js';
import { isRevoked, revokedKey } from './revocation-view.js';
import { type RunningResponder, startOcspResponder } from './testing/ocsp-responder.js';
import { createTestPki, type TestPki } from './testing/pki/index.js';
import { type ManualClock, manualClock } from './testing/pki/support.js';
import { validateCertificate } from './validate.js';

/** Revocations through real Kafka and the registry: CRL → topic → view in memory → checker → validation. */
let config: InfraConfig;
let store: EventStore;
let pki: TestPki;
let clock: ManualClock;
let service: RevocationService;
let responder: RunningResponder;
let dir: string;
const ocspRevoked = new Map<string, { revokedAt: Date; reason: RevocationReason }>();
const logger = testLogger();

beforeAll(async () => {
  [config, pki] = await Promise.all([isolatedTopics('jpki-revocations'), createTestPki()]);
  store = testStore(config);
  clock = manualClock(pki.now);
  dir = mkdtempSync(join(tmpdir(), 'tsunagi-crl-'));
  service = await startRevocationService({ store, clock, logger });
  responder = await startOcspResponder({
    signer: { certificate: pki.ocspResponder.certificate, privateKey: pki.ocspResponder.keys.privateKey },
    issuerCertificate: pki.intermediate.certificate,
    revoked: () => ocspRevoked,
    clock,
  });
});
afterAll(async () => {
  await Promise.allSettled([service?.close(), responder?.stop()]);
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const statusTopic = () => topicName(config.TOPIC_PREFIX, Topics.certificateStatus);
const issuer = () => formatName(pki.intermediate.certificate.subject);

function crlIngest() {
  return createCrlIngest({
    logger,
    clock,
    fetcher: createCrlFetcher(),
    publisher: service.publisher,
    knownRevocations: service.revocations,
    issuerCertificate: pki.intermediate.certificate,
  });
}

async function writeCrl(name: string, entries: Parameters<TestPki['issueCrl']>[0]): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, await pki.issueCrl(entries));
  return path;
}

const validate = (der: Uint8Array, revocation: RevocationChecker) =>
  validateCertificate(der, {
    trustAnchors: pki.trustAnchors,
    intermediates: pki.intermediates,
    at: clock.now(),
    purpose: 'user-identification',
    revocation,
  });

// The responder is down on purpose in some tests: the OCSP client logs nothing.
const ocspAt = (url: string) => createOcspClient({ url, clock, logger: quietLogger(), timeoutMs: 10_000 });

describe('revocations as events on certificate-status', () => {
  const revokedAt = new Date(Date.now() - 3_600_000);
  let revokedCard: Awaited<ReturnType<TestPki['issueUserIdentification']>>;
  let crlPath: string;

  it('publishes a freshly ingested CRL, and validation refuses its certificate as REVOKED by CRL', async () => {
    revokedCard = await pki.issueUserIdentification();
    const goodCard = await pki.issueUserIdentification();
    crlPath = await writeCrl('first.crl', [
      { serialNumber: serialHex(revokedCard.certificate.serialNumber), revokedAt, reason: 'keyCompromise' },
    ]);

    const outcome = await crlIngest().ingest(crlPath);
    expect(outcome).toMatchObject({ ok: true, published: 1, issuer: issuer() });
    await service.catchUp();

    const crlOnly = service.checker();
    expect(await validate(revokedCard.der, crlOnly)).toEqual({
      ok: false,
      reason: 'REVOKED',
      revokedAt: new Date(Math.floor(revokedAt.getTime() / 1000) * 1000),
      revocationReason: 'keyCompromise',
      detail: 'revoked per CRL',
    });
    expect(await validate(goodCard.der, crlOnly)).toMatchObject({ ok: true, revocationSource: 'CRL' });

    const records = await readTopic(testKafka(config), statusTopic());
    const serial = serialHex(revokedCard.certificate.serialNumber);
    expect(records.map((r) => [r.key?.toString(), r.headers?.['event-type']?.toString()])).toEqual(
      expect.arrayContaining([
        [`${serial}:${issuer()}`, 'CertificateRevoked'],
        [issuer(), 'RevocationListIngested'],
      ]),
    );
    const revokedRecord = records.find((r) => r.headers?.['event-type']?.toString() === 'CertificateRevoked');
    expect(revokedRecord?.headers?.['event-id']?.toString()).toBe(revocationEventId(issuer(), serial));
  });

  it('publishes nothing when the same CRL is ingested again', async () => {
    const before = (await readTopic(testKafka(config), statusTopic())).length;
    const outcome = await crlIngest().ingest(crlPath);
    expect(outcome).toMatchObject({ ok: true, published: 0 });
    expect((await readTopic(testKafka(config), statusTopic())).length).toBe(before);
  });

  it('honours an OCSP "revoked" answer, and publishes it so the view learns it before the next CRL', async () => {
    const card = await pki.issueUserIdentification();
    const serial = serialHex(card.certificate.serialNumber);
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    ocspRevoked.set(serial, { revokedAt: at, reason: 'affiliationChanged' });

    expect(await validate(card.der, service.checker(ocspAt(responder.url)))).toEqual({
      ok: false,
      reason: 'REVOKED',
      revokedAt: at,
      revocationReason: 'affiliationChanged',
      detail: 'revoked per OCSP',
    });
    await service.catchUp();
    expect(isRevoked(service.revocations, issuer(), serial)).toEqual({
      revoked: true,
      since: at,
      reason: 'affiliationChanged',
    });
    expect(service.revocations.get(revokedKey(issuer(), serial))).toMatchObject({ source: 'OCSP' });
  });

  it('falls back to the CRL view when the OCSP responder is down, and says so', async () => {
    const down = await startOcspResponder({
      signer: { certificate: pki.intermediate.certificate, privateKey: pki.intermediate.keys.privateKey },
      issuerCertificate: pki.intermediate.certificate,
      revoked: () => new Map(),
      clock,
    });
    await down.stop();
    const checker = service.checker(ocspAt(down.url));
    const goodCard = await pki.issueUserIdentification();

    expect(await validate(goodCard.der, checker)).toMatchObject({
      ok: true,
      revocationSource: 'CRL',
      fallbackReason: 'OCSP_UNREACHABLE',
    });
    expect(await validate(revokedCard.der, checker)).toMatchObject({
      ok: false,
      reason: 'REVOKED',
      detail: 'revoked per CRL',
    });
    const answer = await checker.check({
      certificate: revokedCard.certificate,
      issuerCertificate: pki.intermediate.certificate,
      issuer: issuer(),
      serialNumber: serialHex(revokedCard.certificate.serialNumber),
    });
    expect(answer).toMatchObject({ status: 'revoked', source: 'CRL', fallbackReason: 'OCSP_UNREACHABLE' });
  });

  it('rebuilds the same view from the topic in a fresh process', async () => {
    const again = await startRevocationService({ store, clock, logger });
    try {
      expect(again.revocations.range({ prefix: '' })).toEqual(service.revocations.range({ prefix: '' }));
      expect(again.revocations.range({ prefix: '' }).length).toBeGreaterThan(2);
    } finally {
      await again.close();
    }
  });
});

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { generateDevKeys } from '../../identity/dev-keys.js';
import { createIdentityHub, type IdentityHub } from '../../identity/identity-hub.js';
import { loadIdentityConfig } from '../../identity/keys.js';
import type { LinkageId } from '../../identity/linkage-id.js';
import { testMyNumber } from '../../identity/testing/my-numbers.js';
import { formatName, serialHex } from '../../jpki/pki.js';
import type { IssuedCertificate } from '../../jpki/testing/pki/certificate-builder.js';
import { createTestPki, type TestPki } from '../../jpki/testing/pki/index.js';
import { answering } from '../../jpki/testing/pki/support.js';
import type { InfraConfig } from '../../platform/config.js';
import type { EventStore } from '../../platform/event-store.js';
import { Topics, topicName } from '../../schemas/topics.js';
import { testKafka, testLogger, testStore } from '../../tests/support/infra.js';
import { readTopic } from '../../tests/support/read-topic.js';
import { isolatedTopics } from '../../tests/support/topics.js';
import { residentSignIn } from '../routes/resident-sign-in.js';
import { pluginTestApp } from '../testing/test-gateway.js';
import { bindCertificateForResident } from './certificate-enrolment.js';
import { createSessionTokens } from './session-token.js';
import { signInWithCard, webCryptoSigner } from './sign-in-client.js';

/**
 * Certificate bindings are durable events: bound through an identity hub on real Kafka, the binding
 * survives the loss of the hub's store, because the store is rebuilt from `certificate-bindings`.
 */
const logger = testLogger();
const run = promisify(execFile);
let config: InfraConfig;
let pki: TestPki;
let card: IssuedCertificate;
let storeDir: string;
let linkageId: LinkageId;
let events: EventStore;
const keys = generateDevKeys();

const openHub = (rebuild: boolean) =>
  createIdentityHub({
    config: loadIdentityConfig({ ...keys, TSUNAGI_IDENTITY_DIR: storeDir }),
    store: events,
    clock: systemClock,
    logger,
    rebuild,
  });

/** Signs the card in through the resident sign-in routes of a gateway wired to `hub`. */
async function signIn(hub: IdentityHub) {
  const app = pluginTestApp();
  await app.register(residentSignIn, {
    clock: systemClock,
    trustAnchors: pki.trustAnchors,
    intermediates: pki.intermediates,
    revocation: answering({ status: 'good', source: 'CRL' }),
    certificates: hub.certificates,
    codes: hub.codes,
    sessions: createSessionTokens({ key: randomBytes(32), clock: systemClock }),
  });
  try {
    return await signInWithCard({
      post: async (url, payload) => {
        const answer = await app.inject({
          method: 'POST',
          url,
          ...(payload ? { payload: payload as object } : {}),
        });
        return { status: answer.statusCode, body: answer.json() };
      },
      certificateDer: card.der,
      sign: webCryptoSigner(card.keys.privateKey),
    });
  } finally {
    await app.close();
  }
}

beforeAll(async () => {
  [config, pki] = await Promise.all([isolatedTopics('bindings'), createTestPki()]);
  card = await pki.issueUserIdentification();
  storeDir = mkdtempSync(join(tmpdir(), 'tsunagi-binding-rebuild-'));
  events = testStore(config);
});
afterAll(async () => {
  await events.close();
  rmSync(storeDir, { recursive: true, force: true });
});

describe('certificate bindings on the certificate-bindings topic', () => {
  let ppid: unknown;

  it('binds a card at issuance (appended with acks=all) and signs the resident in', async () => {
    const hub = await openHub(false);
    try {
      linkageId = await hub.vault.enrol(testMyNumber('binding-rebuild', 0));
      expect(await bindCertificateForResident(hub.certificates, card.der, linkageId)).toEqual({
        ok: true,
        linkageId,
      });
      const answer = await signIn(hub);
      expect(answer.status).toBe(200);
      ppid = (answer.body as { ppid: string }).ppid;
    } finally {
      await hub.close();
    }
  });

  it('carries neither the serial, the issuer nor the linkage id in clear', async () => {
    const records = await readTopic(
      testKafka(config),
      topicName(config.TOPIC_PREFIX, Topics.certificateBindings),
    );
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record?.key?.toString()).toMatch(/^[0-9a-f]{64}$/);
    const bytes = Buffer.concat([record?.key ?? Buffer.alloc(0), record?.value ?? Buffer.alloc(0)]).toString(
      'latin1',
    );
    const serial = serialHex(card.certificate.serialNumber);
    for (const clear of [
      serial,
      serial.toUpperCase(),
      formatName(card.certificate.issuer),
      'Tsunagi',
      linkageId,
    ])
      expect(bytes).not.toContain(clear);
  });

  it('after the store is deleted, sign-in fails until `identity/cli.ts rebuild` replays the log, then works as before', async () => {
    rmSync(storeDir, { recursive: true, force: true });
    const lost = await openHub(false);
    try {
      expect(await signIn(lost)).toMatchObject({ status: 403, body: { reason: 'CERTIFICATE_NOT_ENROLLED' } });
    } finally {
      await lost.close();
    }
    const { stdout } = await run('npx', ['tsx', 'identity/cli.ts', 'rebuild'], {
      env: { ...process.env, ...keys, TSUNAGI_IDENTITY_DIR: storeDir, TOPIC_PREFIX: config.TOPIC_PREFIX },
      timeout: 60_000,
    });
    expect(stdout).toContain('certificate bindings: 1 from 1 event(s)');
    const rebuilt = await openHub(false);
    try {
      expect(await signIn(rebuilt)).toMatchObject({ status: 200, body: { ppid } });
    } finally {
      await rebuilt.close();
    }
  });

  it('createIdentityHub({ rebuild: true }) restores a lost store the same way', async () => {
    rmSync(storeDir, { recursive: true, force: true });
    const rebuilt = await openHub(true);
    try {
      expect(await signIn(rebuilt)).toMatchObject({ status: 200, body: { ppid } });
      const ref = {
        issuer: formatName(card.certificate.issuer),
        serialNumber: serialHex(card.certificate.serialNumber),
      };
      expect(await rebuilt.certificates.resolveCertificate(ref)).toBe(linkageId);
    } finally {
      await rebuilt.close();
    }
  });
});

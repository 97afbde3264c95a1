import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import { createCertificateBindings } from '../identity/certificate-binding.js';
import { newLinkageId } from '../identity/linkage-id.js';
import { createTestHub, type TestHub } from '../identity/testing/hub.js';
import { formatName, serialHex } from '../jpki/pki.js';
import { type RevocationService, startRevocationService } from '../jpki/revocation-service.js';
import type { IssuedCertificate } from '../jpki/testing/pki/certificate-builder.js';
import { createTestPki, type TestPki } from '../jpki/testing/pki/index.js';
import { ingestedDraft, revokedDraft } from '../jpki/testing/revocations.js';
import { createEventWire } from '../platform/event-wire.js';
import { Topics, topicName } from '../schemas/topics.js';
import { testKafka, testLogger, testStore } from '../tests/support/infra.js';
import { isolatedTopics } from '../tests/support/topics.js';
import { bindCertificateForResident } from './resident/certificate-enrolment.js';
import { createSessionTokens } from './resident/session-token.js';
import { startTestGateway } from './testing/test-gateway.js';
import { type AgencyPki, call, createAgencyPki } from './testing/tls.js';

/**
 * Resident sign-in through the whole gateway: TLS with the gateway's server certificate (no
 * agency client certificate), the JPKI chain, revocation from the certificate-status topic on
 * real Kafka (a CRL ingested as events), and a session token bound to the portal PPID.
 */
const logger = testLogger();
let jpki: TestPki;
let agencies: AgencyPki;
let hub: TestHub;
let revocations: RevocationService;
let url: string;
let enrolled: IssuedCertificate;
let revokedCard: IssuedCertificate;
let unenrolled: IssuedCertificate;
const linkageId = newLinkageId();
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  const config = await isolatedTopics('signin');
  const store = testStore(config);
  const kafka = testKafka(config);
  const wire = createEventWire(config);
  [jpki, agencies] = await Promise.all([createTestPki(), createAgencyPki()]);
  [enrolled, revokedCard, unenrolled] = await Promise.all([
    jpki.issueUserIdentification(),
    jpki.issueUserIdentification(),
    jpki.issueUserIdentification(),
  ]);
  hub = createTestHub();
  const certificates = createCertificateBindings(hub);
  for (const card of [enrolled, revokedCard])
    await bindCertificateForResident(certificates, card.der, linkageId);

  revocations = await startRevocationService({ store, clock: systemClock, logger });
  const issuer = formatName(jpki.intermediate.certificate.subject);
  await revocations.publisher.publish([
    ingestedDraft(issuer, new Date(Date.now() - 60_000), new Date(Date.now() + 86_400_000)),
    revokedDraft(issuer, serialHex(revokedCard.certificate.serialNumber), new Date()),
  ]);
  await revocations.catchUp();

  closers.push(
    () => revocations.close(),
    () => hub.close(),
    () => store.close(),
  );
  const gateway = await startTestGateway({
    kafka,
    wire,
    logger,
    pki: agencies,
    trailTopic: topicName(config.TOPIC_PREFIX, Topics.accessTrail),
    consentsTopic: topicName(config.TOPIC_PREFIX, Topics.consents),
    residents: hub.codes,
    readModel: { latestItem: () => undefined, residentRecord: () => undefined },
    residentSignIn: {
      clock: systemClock,
      trustAnchors: jpki.trustAnchors,
      intermediates: jpki.intermediates,
      revocation: revocations.checker(),
      certificates,
      codes: hub.codes,
      sessions: createSessionTokens({ key: randomBytes(32), clock: systemClock }),
    },
  });
  closers.unshift(() => gateway.close());
  url = gateway.url;
});

afterAll(async () => {
  for (const close of closers) await close().catch(() => undefined);
});

async function signIn(card: IssuedCertificate) {
  const challenge = await call(`${url}/v1/resident/challenge`, { method: 'POST', ca: agencies.caPem });
  expect(challenge.status).toBe(200);
  const signature = await crypto.subtle.sign(
    'RSASSA-PKCS1-v1_5',
    card.keys.privateKey,
    new TextEncoder().encode(challenge.body.challenge),
  );
  return call(`${url}/v1/resident/sign-in`, {
    ca: agencies.caPem,
    body: {
      challengeId: challenge.body.challengeId,
      certificate: Buffer.from(card.der).toString('base64'),
      signature: Buffer.from(signature).toString('base64'),
    },
  });
}

describe('resident sign-in through the gateway over TLS', () => {
  it('signs in an enrolled card with a session token bound to the portal PPID, never the linkage id', async () => {
    const answer = await signIn(enrolled);
    expect(answer.status).toBe(200);
    expect(answer.body.ppid).toBe(await hub.codes.ppidFor('resident-portal', linkageId));
    expect(answer.text).not.toContain(linkageId);
  });

  it('refuses a card revoked in the ingested CRL', async () => {
    const answer = await signIn(revokedCard);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'FORBIDDEN', reason: 'REVOKED' });
  });

  it('refuses a valid card that was never bound to a resident', async () => {
    const answer = await signIn(unenrolled);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'FORBIDDEN', reason: 'CERTIFICATE_NOT_ENROLLED' });
  });

  it('still refuses agency routes without a client certificate', async () => {
    const answer = await call(`${url}/v1/inquiries`, {
      ca: agencies.caPem,
      body: { agencyCode: 'x', officeWork: 'y', items: ['LOCAL_TAX_INCOME'] },
    });
    expect(answer.status).toBe(401);
  });
});

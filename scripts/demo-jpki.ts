import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../core/clock.js';
import { infraPaths } from '../infra/paths.js';
import { createCrlFetcher, createCrlIngest, type IngestOutcome } from '../jpki/crl-ingest.js';
import { Oid } from '../jpki/oids.js';
import { importSigningKey, parseCertificate, toDer, toPem } from '../jpki/pki.js';
import { startRevocationService } from '../jpki/revocation-service.js';
import { issueCertificate } from '../jpki/testing/pki/certificate-builder.js';
import { issueCrl } from '../jpki/testing/pki/crl-builder.js';
import { createTestPki, randomSerial } from '../jpki/testing/pki/index.js';
import { exportPrivateKeyDer, generateRsaKeys } from '../jpki/testing/pki/keys.js';
import type { InfraConfig } from '../platform/config.js';
import { openEventStore } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';

/**
 * The demo's JPKI: a test PKI (root → issuing CA → two user-identification cards, each with its own
 * key) made once into `<TSUNAGI_HOME>/data/demo/jpki` (git-ignored, keys mode 0600), the gateway
 * settings that trust it, and a fresh CRL from the issuing CA on every run, so the revocation view
 * can vouch for the demo cards. A deployment uses the real JPKI roots instead (docs/jpki.md).
 */
export const DEMO_CARDS = ['card-1', 'card-2'] as const;
const CRL_VALIDITY_MS = 7 * 24 * 3_600_000;

export interface DemoCardFiles {
  name: (typeof DEMO_CARDS)[number];
  dir: string;
  /** The user-identification certificate, PEM. */
  certificateFile: string;
  /** Its private key, PKCS#8 PEM: what a real card keeps inside and never exports. */
  keyFile: string;
}

export interface DemoJpki {
  dir: string;
  /** JPKI_TRUST_ANCHORS */
  rootFile: string;
  /** JPKI_INTERMEDIATES */
  issuingCaFile: string;
  issuingCaKeyFile: string;
  crlFile: string;
  cards: DemoCardFiles[];
}

const write = (file: string, content: string, secret = false) =>
  writeFileSync(file, content, secret ? { mode: 0o600 } : {});

export async function ensureDemoJpki(config: Pick<InfraConfig, 'home'>): Promise<DemoJpki> {
  const dir = join(infraPaths(config.home).data('demo'), 'jpki');
  const file = (name: string) => join(dir, name);
  const cards = DEMO_CARDS.map((name) => ({
    name,
    dir: file(name),
    certificateFile: join(file(name), 'certificate.pem'),
    keyFile: join(file(name), 'private-key.pem'),
  }));
  const jpki: DemoJpki = {
    dir,
    rootFile: file('root.pem'),
    issuingCaFile: file('issuing-ca.pem'),
    issuingCaKeyFile: file('issuing-ca.key'),
    crlFile: file('issuing-ca.crl.pem'),
    cards,
  };
  if (existsSync(file('complete'))) return jpki;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const pki = await createTestPki();
  write(jpki.rootFile, toPem(pki.root.der, 'CERTIFICATE'));
  write(jpki.issuingCaFile, toPem(pki.intermediate.der, 'CERTIFICATE'));
  const caKey = await exportPrivateKeyDer(pki.intermediate.keys.privateKey);
  write(jpki.issuingCaKeyFile, toPem(caKey, 'PRIVATE KEY'), true);
  for (const card of cards) {
    const issued = await pki.issueUserIdentification({ keys: await generateRsaKeys() });
    mkdirSync(card.dir, { recursive: true, mode: 0o700 });
    write(card.certificateFile, toPem(issued.der, 'CERTIFICATE'));
    write(card.keyFile, toPem(await exportPrivateKeyDer(issued.keys.privateKey), 'PRIVATE KEY'), true);
  }
  write(file('complete'), '');
  return jpki;
}

/** Gateway settings for resident sign-in: the operator's own JPKI_TRUST_ANCHORS win over the demo's. */
export function demoJpkiEnv(jpki: DemoJpki, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env.JPKI_TRUST_ANCHORS) return {};
  return { JPKI_TRUST_ANCHORS: jpki.rootFile, JPKI_INTERMEDIATES: jpki.issuingCaFile };
}

/**
 * A new, empty CRL from the demo issuing CA (valid 7 days), written next to it and ingested onto
 * `certificate-status` exactly as `jpki/cli.ts crl-ingest` does. Without a current CRL (and no OCSP
 * responder) the gateway cannot vouch for any card and refuses it as REVOCATION_UNKNOWN.
 */
export async function refreshDemoCrl(
  config: InfraConfig,
  jpki: DemoJpki,
  logger: Logger,
  /** Serials (hex) of demo cards to list as revoked (tests of a revoked card). */
  revoked: readonly string[] = [],
): Promise<IngestOutcome> {
  const { certificate, privateKey } = await demoIssuingCa(jpki);
  const now = systemClock.now();
  const crl = await issueCrl({
    issuer: { certificate, privateKey },
    entries: revoked.map((serialNumber) => ({
      serialNumber,
      revokedAt: now,
      reason: 'keyCompromise' as const,
    })),
    thisUpdate: new Date(now.getTime() - 60_000),
    nextUpdate: new Date(now.getTime() + CRL_VALIDITY_MS),
    crlNumber: Math.floor(now.getTime() / 1000),
  });
  write(jpki.crlFile, toPem(crl, 'X509 CRL'));
  const store = openEventStore(config, logger, { principal: 'jpki-revocations' });
  try {
    const revocations = await startRevocationService({ store, clock: systemClock, logger });
    return await createCrlIngest({
      logger,
      clock: systemClock,
      fetcher: createCrlFetcher(),
      publisher: revocations.publisher,
      knownRevocations: revocations.revocations,
      issuerCertificate: certificate,
    })
      .ingest(jpki.crlFile)
      .finally(() => revocations.close());
  } finally {
    await store.close();
  }
}

async function demoIssuingCa(jpki: DemoJpki) {
  const certificate = parseCertificate(toDer(readFileSync(jpki.issuingCaFile)) as Uint8Array);
  if (!certificate) throw new Error(`${jpki.issuingCaFile} is not a certificate`);
  return { certificate, privateKey: await importSigningKey(readFileSync(jpki.issuingCaKeyFile, 'utf8')) };
}

/**
 * One more card from the demo issuing CA, into `<dir>/<name>/` (for showing refusals: a card bound to
 * nobody, a card then revoked). Bound to no resident; its serial is returned for a CRL.
 */
export async function issueDemoCard(
  jpki: DemoJpki,
  name: string,
): Promise<DemoCardFiles & { serialNumber: string }> {
  const issuer = await demoIssuingCa(jpki);
  const serialNumber = randomSerial();
  const keys = await generateRsaKeys();
  const now = systemClock.now().getTime();
  const issued = await issueCertificate({
    serialNumber,
    subject: [
      ['2.5.4.6', 'JP'],
      ['2.5.4.3', `JPKI-TEST-${serialNumber.slice(0, 12).toUpperCase()}`],
    ],
    keys,
    issuer,
    keyUsage: ['digitalSignature'],
    extKeyUsage: [Oid.kpClientAuth],
    notBefore: new Date(now - 30 * 86_400_000),
    notAfter: new Date(now + 5 * 365 * 86_400_000),
  });
  const dir = join(jpki.dir, name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const card = {
    name: name as DemoCardFiles['name'],
    dir,
    certificateFile: join(dir, 'certificate.pem'),
    keyFile: join(dir, 'private-key.pem'),
  };
  write(card.certificateFile, toPem(issued.der, 'CERTIFICATE'));
  write(card.keyFile, toPem(await exportPrivateKeyDer(keys.privateKey), 'PRIVATE KEY'), true);
  return { ...card, serialNumber };
}

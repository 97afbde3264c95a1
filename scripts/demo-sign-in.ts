import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { bindCertificateForResident } from '../gateway/resident/certificate-enrolment.js';
import { demoCard, signInWithCard } from '../gateway/resident/sign-in-client.js';
import { call } from '../gateway/testing/tls.js';
import { openIdentityHub } from '../identity/identity-hub.js';
import { gatewayPort } from '../infra/app-services.js';
import type { InfraConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { type DemoCardFiles, ensureDemoJpki } from './demo-jpki.js';
import { ensureDemoPki } from './demo-pki.js';
import { demoResidents } from './demo-resident.js';

export interface DemoSignIn {
  card: DemoCardFiles;
  status: number;
  ppid?: string;
  reason?: string;
}

/**
 * Signs a card in at the running gateway over TLS with nothing but its two files, as a resident's
 * browser would. A CRL ingested moments ago may not have reached the gateway's revocation view yet,
 * so REVOCATION_UNKNOWN is retried for a few seconds.
 */
export async function signInAtGateway(
  card: Pick<DemoCardFiles, 'certificateFile' | 'keyFile'>,
  gateway: { url: string; ca: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { certificateDer, sign } = await demoCard({
    certificatePem: readFileSync(card.certificateFile, 'utf8'),
    keyPem: readFileSync(card.keyFile, 'utf8'),
  });
  const post = async (path: string, body?: unknown) => {
    const answer = await call(`${gateway.url}${path}`, { ca: gateway.ca, method: 'POST', body });
    return { status: answer.status, body: answer.body };
  };
  for (let attempt = 0; ; attempt += 1) {
    const answer = await signInWithCard({ post, certificateDer, sign });
    const body = (answer.body ?? {}) as Record<string, unknown>;
    if (body.reason !== 'REVOCATION_UNKNOWN' || attempt >= 20) return { status: answer.status, body };
    await sleep(500);
  }
}

/**
 * Issue 12's demo card flow: card 1 is bound to the first demo resident (the one the demo agencies
 * asked about), card 2 to the second, as card issuance would bind them (CertificateBound appended
 * with acks=all); then each signs in at the gateway. Prints outcomes and PPIDs, never a linkage id.
 */
export async function demoResidentSignIn(
  config: InfraConfig,
  logger: Logger,
  port = gatewayPort(),
): Promise<DemoSignIn[]> {
  const jpki = await ensureDemoJpki(config);
  const identity = await openIdentityHub(config, logger);
  try {
    const residents = await demoResidents(config, identity, jpki.cards.length);
    if (residents.length < jpki.cards.length) {
      console.log('  not enough demo residents enrolled to bind the demo cards');
      return [];
    }
    for (const [index, card] of jpki.cards.entries()) {
      const bound = await bindCertificateForResident(
        identity.certificates,
        readFileSync(card.certificateFile, 'utf8'),
        residents[index] as (typeof residents)[number],
      );
      if (!bound.ok) console.log(`  ${card.name}: not bound (${bound.reason})`);
    }
  } finally {
    await identity.close();
  }
  const gateway = {
    url: `https://127.0.0.1:${port}`,
    ca: readFileSync((await ensureDemoPki(config)).caFile, 'utf8'),
  };
  const results: DemoSignIn[] = [];
  for (const [index, card] of jpki.cards.entries()) {
    const { status, body } = await signInAtGateway(card, gateway);
    const outcome: DemoSignIn = {
      card,
      status,
      ...(typeof body.ppid === 'string' ? { ppid: body.ppid } : {}),
      ...(typeof body.reason === 'string' ? { reason: body.reason } : {}),
    };
    results.push(outcome);
    const who =
      index === 0 ? 'first demo resident (asked about by the demo agencies)' : `demo resident ${index + 1}`;
    console.log(
      `  ${card.name} → ${who}: HTTP ${status} ${outcome.ppid ? `signed in, portal PPID ${outcome.ppid}` : (outcome.reason ?? body.code ?? '')}`,
    );
  }
  if (results.some((r) => r.status === 404))
    console.log(
      '  the gateway runs without resident sign-in (started before JPKI was set): npm run infra -- down, then npm start',
    );
  printHowToSignIn(jpki.dir, gateway);
  return results;
}

function printHowToSignIn(dir: string, gateway: { url: string }): void {
  console.log(
    `  demo cards (git-ignored): ${dir}/card-{1,2}/certificate.pem (user-identification certificate, PEM)`,
  );
  console.log(
    '                            and private-key.pem (its key, PKCS#8 PEM; a real card never exports it)',
  );
  console.log(`  sign in yourself: npx tsx scripts/resident-sign-in.ts ${dir}/card-1`);
  console.log(
    `  by hand: POST ${gateway.url}/v1/resident/challenge → sign the "challenge" text (UTF-8) with RSASSA-PKCS1-v1_5 / SHA-256`,
  );
  console.log(
    `           → POST ${gateway.url}/v1/resident/sign-in {challengeId, certificate: base64 DER, signature: base64} (docs/jpki.md)`,
  );
}

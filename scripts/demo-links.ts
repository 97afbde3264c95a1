import { readFileSync } from 'node:fs';
import { call, type HttpAnswer } from '../gateway/testing/tls.js';
import { openIdentityHub } from '../identity/identity-hub.js';
import { gatewayPort } from '../infra/app-services.js';
import type { InfraConfig } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { ensureDemoJpki } from './demo-jpki.js';
import { ensureDemoPki } from './demo-pki.js';
import { enrolledDemoResidents } from './demo-resident.js';
import { signInAtGateway } from './demo-sign-in.js';

/** A fictional account (bank code 0009, branch 418) for the demo's first resident. */
export const DEMO_ACCOUNT = {
  bankCode: '0009',
  branchCode: '418',
  accountType: 'ORDINARY',
  accountNumber: '3141592',
  holderKana: 'デモ ジュウミン',
} as const;

export interface DemoLinks {
  link: HttpAnswer;
  again: HttpAnswer;
  account: HttpAnswer;
  refused: HttpAnswer;
  notLinked: HttpAnswer;
  inbox: HttpAnswer;
}

const trailOf = (t?: { topic: string; partition: number; offset: string }) =>
  t ? `trail ${t.topic}/${t.partition}@${t.offset}` : '';

/**
 * Issue 15 in the demo, over mutual TLS and the resident API: the first demo resident (card 1) signs
 * in and registers a public-money account and a contact for notices; Osaka (271004), which received
 * the resident's My Number with a benefit application, links the resident (POST /v1/links) and gets
 * its own code; with that code it obtains the account under a benefit-payment row and is refused it
 * under any other; Hello Work, citing a row that is not its own, is refused the link. Prints codes'
 * prefixes, outcomes and trail positions: never the My Number, never the account number.
 */
export async function demoLinks(
  config: InfraConfig,
  logger: Logger,
  port = gatewayPort(),
): Promise<DemoLinks> {
  const pki = await ensureDemoPki(config);
  const jpki = await ensureDemoJpki(config);
  const identity = await openIdentityHub(config, logger);
  const [first] = await enrolledDemoResidents(config, identity, 1).finally(() => identity.close());
  if (!first || !jpki.cards[0]) throw new Error('no demo resident enrolled: run the demo ingest first');
  const url = `https://127.0.0.1:${port}`;
  const ca = readFileSync(pki.caFile, 'utf8');

  const signedIn = await signInAtGateway(jpki.cards[0], { url, ca });
  const resident = (path: string, method: string, body?: unknown) =>
    call(`${url}/v1/resident/${path}`, {
      ca,
      method,
      headers: { authorization: `Bearer ${String(signedIn.body.token)}` },
      ...(body === undefined ? {} : { body }),
    });
  const account = await resident('account', 'PUT', DEMO_ACCOUNT);
  const contact = await resident('contact', 'PUT', { kind: 'EMAIL', address: 'demo-resident-1@example.jp' });
  const shown = account.body.account;
  console.log(
    `  card-1 resident registers a public-money account → HTTP ${account.status} (bank ${shown?.bankCode}, branch ${shown?.branchCode}, number …${shown?.accountNumberEnd}; stored sealed) and a contact → HTTP ${contact.status} ${contact.body.contact?.masked ?? ''}`,
  );

  const as = (agency: '271004' | 'hello-work') => ({ ...pki.agency(agency), serial: '' });
  const linkBody = {
    myNumber: first.myNumber,
    officeWork: 'child-allowance-payment',
    legalBasisRowId: 'LB-0023',
  };
  const link = await call(`${url}/v1/links`, { ca, client: as('271004'), body: linkBody });
  const again = await call(`${url}/v1/links`, { ca, client: as('271004'), body: linkBody });
  const code = String(link.body.agencyCode ?? '');
  console.log(
    `  271004 links the resident by the My Number it received (LB-0023) → HTTP ${link.status}, its own code ${code.slice(0, 12)}… ${trailOf(link.body.trail)}; again → the same code: ${again.body.agencyCode === code}`,
  );
  const inquire = (officeWork: string) =>
    call(`${url}/v1/inquiries`, {
      ca,
      client: as('271004'),
      body: { agencyCode: code, officeWork, items: ['PUBLIC_MONEY_ACCOUNT'] },
    });
  const paid = await inquire('child-allowance-payment');
  const refused = await inquire('child-allowance-eligibility');
  for (const [what, answer] of [
    ['child-allowance-payment', paid],
    ['child-allowance-eligibility', refused],
  ] as const) {
    const item = answer.body.items?.[0];
    console.log(
      `  271004 asks for the account for ${what.padEnd(28)} → HTTP ${answer.status} ${item?.outcome ?? answer.body.code} ${item?.reason ?? item?.legalBasisRowId ?? ''} ${trailOf(item?.trail)}`,
    );
  }
  const notLinked = await call(`${url}/v1/links`, { ca, client: as('hello-work'), body: linkBody });
  console.log(
    `  hello-work cites LB-0023, not its row → HTTP ${notLinked.status} ${notLinked.body.reason ?? ''}`,
  );
  const inbox = await resident('notices', 'GET');
  console.log(`  card-1 resident's inbox: ${inbox.body.notices?.length ?? 0} eligibility notice(s)`);
  return { link, again, account: paid, refused, notLinked, inbox };
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindCertificateForResident } from '../../gateway/resident/certificate-enrolment.js';
import { call } from '../../gateway/testing/tls.js';
import { openIdentityHub } from '../../identity/identity-hub.js';
import { servicesDown, servicesUp } from '../../infra/stack.js';
import type { InfraConfig } from '../../platform/config.js';
import { demoIngest } from '../../scripts/demo-ingest.js';
import { type DemoAnswer, demoInquiries } from '../../scripts/demo-inquiry.js';
import {
  type DemoJpki,
  demoJpkiEnv,
  ensureDemoJpki,
  issueDemoCard,
  refreshDemoCrl,
} from '../../scripts/demo-jpki.js';
import { ensureDemoPki, gatewayTlsEnv } from '../../scripts/demo-pki.js';
import { demoResidents } from '../../scripts/demo-resident.js';
import { demoResidentPage } from '../../scripts/demo-resident-page.js';
import { demoResidentSignIn, signInAtGateway } from '../../scripts/demo-sign-in.js';
import { DEMO_KEY_NAME, demoKeyFiles } from '../../trail/log/config.js';
import { createNoteSigner, generateSignerKey, signCheckpoint } from '../../trail/log/signer.js';
import { launchChromium } from '../support/chromium.js';
import { testConfig, testLogger } from '../support/infra.js';
import { isolatedSystem } from '../support/isolated-system.js';

/**
 * Issue 12, deliverables 7 and 8 and "bad input and attacks", in a real browser: headless Chromium
 * (Debian's package) driven by playwright-core against the running system (`npm start`'s services
 * under an isolated home). A resident signs in with the demo card's files, sees the disclosure an
 * agency's inquiry produced moments before, marked verified by the page itself, revokes a consent;
 * tampered entries, proofs and checkpoints, another card's entries and refused cards fail visibly.
 */
const logger = testLogger();
const SCREENSHOT = join(testConfig().home, 'test-results', 'resident-page.png');
let config: InfraConfig;
let jpki: DemoJpki;
let gateway: { url: string; ca: string };
let port: number;
let inquiries: DemoAnswer[];
let context: BrowserContext;
let consentId: string;
const consoleErrors: string[] = [];
const seenByCardOne: string[] = [];

async function waitForCheckpoint(index: number): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 500) {
    const answer = await call(`${gateway.url}/v1/trail/checkpoint`, { ca: gateway.ca });
    if (answer.status === 200 && Number(String(answer.body).split('\n')[1]) > index) return;
    await sleep(500);
  }
  throw new Error(`no checkpoint covered trail index ${index} within a minute`);
}

beforeAll(async () => {
  const system = await isolatedSystem('e2e-page', logger);
  config = system.config;
  jpki = await ensureDemoJpki(config);
  expect(await refreshDemoCrl(config, jpki, logger)).toMatchObject({ ok: true });
  await servicesUp(config, logger, {
    ...system.env,
    ...(await gatewayTlsEnv(config, {})),
    ...demoJpkiEnv(jpki, {}),
    TSUNAGI_TRAIL_CHECKPOINT_SECONDS: '1',
    GATEWAY_RESIDENT_ADDRESS_RATE_LIMIT_PER_MINUTE: '2000',
    GATEWAY_RESIDENT_RATE_LIMIT_PER_MINUTE: '1000',
  });
  port = system.port;
  gateway = {
    url: `https://127.0.0.1:${system.port}`,
    ca: readFileSync((await ensureDemoPki(config)).caFile, 'utf8'),
  };
  await demoIngest(config, logger, 40);
  await demoResidentSignIn(config, logger, system.port);
  // The agencies' inquiries about card 1's resident, moments before the resident looks.
  inquiries = await demoInquiries(config, logger, system.port);
  expect(inquiries.map((a) => a.outcome)).toEqual(['DISCLOSED', 'REFUSED']);
  await waitForCheckpoint(Math.max(...inquiries.map((a) => Number(a.trail?.offset ?? 0))));
  // A consent for the page to show and revoke, granted by the resident through the API.
  const [card] = jpki.cards;
  const signedIn = await signInAtGateway(card as DemoJpki['cards'][number], gateway);
  const granted = await call(`${gateway.url}/v1/resident/consents`, {
    ca: gateway.ca,
    headers: { authorization: `Bearer ${signedIn.body.token}` },
    body: {
      recipient: 'tsubame-bank',
      purpose: 'housing-loan-screening',
      items: ['LOCAL_TAX_INCOME'],
      validFrom: new Date().toISOString(),
      validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      maxUses: null,
    },
  });
  expect(granted.status).toBe(201);
  consentId = granted.body.consentId;
  context = await launchChromium();
}, 600_000);

afterAll(async () => {
  await context?.close();
  if (config) await servicesDown(config, logger);
});

async function openPage(): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(`${gateway.url}/resident/`);
  return page;
}

async function signIn(page: Page, card: { certificateFile: string; keyFile: string }): Promise<void> {
  await page.setInputFiles('#certificate', card.certificateFile);
  await page.setInputFiles('#key', card.keyFile);
  await page.click('#sign-in-button');
}

const card = (n: 1 | 2) => jpki.cards[n - 1] as DemoJpki['cards'][number];
const rows = (page: Page) => page.locator('#accesses tbody tr');
const markOf = (page: Page, row = 0) => rows(page).nth(row).locator('td').nth(5);

/** The history answer, changed on its way to the page (what a compromised hub or a MITM could do). */
async function tamperHistory(
  page: Page,
  change: (body: Record<string, unknown> & { entries: Array<Record<string, unknown>> }) => void,
) {
  await page.route('**/v1/resident/history**', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    change(body);
    await route.fulfill({ response, json: body });
  });
}
const flipByte = (base64: string, at: number) => {
  const bytes = Buffer.from(base64, 'base64');
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return bytes.toString('base64');
};

describe("the resident's page in Chromium", () => {
  it("signs in with the demo card's files and shows the agencies' inquiries of moments before, verified in the browser", async () => {
    const page = await openPage();
    expect(await page.locator('h1').textContent()).toBe('Who accessed your information');
    await signIn(page, card(1));
    await page.waitForSelector('#accesses tbody tr');
    await page.waitForFunction(() =>
      document.querySelector('#status')?.textContent?.includes('entries shown'),
    );
    const table = await rows(page).evaluateAll((trs) =>
      trs.map((tr) => ({
        id: (tr as HTMLElement).dataset.eventId,
        cells: [...tr.querySelectorAll('td')].map((td) => ({
          text: td.textContent ?? '',
          className: td.className,
        })),
      })),
    );
    seenByCardOne.push(...table.map((r) => r.id as string));
    const osaka = table.find((r) => r.cells[1]?.text === 'Osaka City' && r.cells[4]?.text === 'Disclosed');
    expect(osaka?.cells[2]?.text).toBe('Local tax (income)');
    expect(osaka?.cells[3]?.text).toBe('Nursing-care insurance premium (basis LB-0004)');
    expect(osaka?.cells[5]).toEqual({ text: '✔ Verified', className: 'verified' });
    // The refused inquiry is shown too: a resident should know who tried.
    const helloWork = table.find(
      (r) => r.cells[1]?.text.startsWith('Hello Work') && r.cells[4]?.className === 'refused',
    );
    expect(helloWork?.cells[4]?.text).toBe('RefusedNO_LEGAL_BASIS');
    expect(helloWork?.cells[5]).toEqual({ text: '✔ Verified', className: 'verified' });
    expect(table.every((r) => r.cells[5]?.className === 'verified')).toBe(true);
    // The log's key is shown, to compare with the published one.
    const vkey = readFileSync(demoKeyFiles(config.home).verifier, 'utf8').trim();
    expect(await page.locator('#verifier-key').textContent()).toBe(vkey);
    // The consent granted before is listed with its revoke button.
    expect(
      await page.locator(`#consents tbody tr[data-consent-id="${consentId}"] td`).first().textContent(),
    ).toBe('Tsubame Bank');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Japanese labels.
    await page.click('#language');
    expect(await page.locator('h1').textContent()).toBe('あなたの情報へのアクセス記録');
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    expect(await markOf(page).textContent()).toBe('✔ 検証済み');
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-ja.png'), fullPage: true });
    await page.click('#language');

    // Revoke the consent: it is gone from the list, and the live region says so.
    await page.click(`#consents tbody tr[data-consent-id="${consentId}"] button`);
    await page.waitForSelector(`#consents tbody tr[data-consent-id="${consentId}"]`, { state: 'detached' });
    expect(await page.locator('#status').textContent()).toBe('The consent was revoked.');
    expect(await page.locator('#no-consents').isVisible()).toBe(true);
    const consents = await call(`${gateway.url}/v1/resident/consents`, {
      ca: gateway.ca,
      headers: { authorization: `Bearer ${(await signInAtGateway(card(1), gateway)).body.token}` },
    });
    expect(consents.body.consents.find((c: { consentId: string }) => c.consentId === consentId)?.status).toBe(
      'REVOKED',
    );
    await page.close();
  });

  it('is usable by keyboard and screen reader: labels, a live status region, focus moved to the result', async () => {
    const page = await openPage();
    expect(await page.locator('label[for="certificate"]').textContent()).toContain('certificate.pem');
    expect(await page.locator('#status').getAttribute('role')).toBe('status');
    expect(await page.locator('#status').getAttribute('aria-live')).toBe('polite');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('language');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('certificate');
    await signIn(page, card(1));
    await page.waitForSelector('#accesses tbody tr');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('history-heading');
    expect(await page.locator('#accesses thead th').first().getAttribute('scope')).toBe('col');
    await page.close();
  });

  it('never shows card 2 the entries of card 1', async () => {
    const page = await openPage();
    await signIn(page, card(2));
    await page.waitForFunction(() =>
      document.querySelector('#status')?.textContent?.includes('entries shown'),
    );
    const ids = await rows(page).evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.eventId));
    expect(seenByCardOne.length).toBeGreaterThan(0);
    for (const id of ids) expect(seenByCardOne).not.toContain(id);
    await page.close();
  });

  const attacks: Array<[string, (page: Page) => Promise<void>, RegExp]> = [
    [
      'a tampered entry',
      (page) =>
        tamperHistory(page, (body) => {
          const [first] = body.entries;
          if (first) first.entry = flipByte(String(first.entry), 40);
        }),
      /^✖ Not verifiedENTRY_MISMATCH: the entry hashes to leaf /,
    ],
    [
      'a tampered proof',
      (page) =>
        tamperHistory(page, (body) => {
          // Entries newer than the last checkpoint carry no proof yet; keep those that do.
          body.entries = body.entries.filter(
            (e) => (e.proof as { hashes?: string[] } | null)?.hashes?.length,
          );
          const proof = body.entries[0]?.proof as { hashes: string[] };
          proof.hashes[0] = flipByte(proof.hashes[0] as string, 0);
        }),
      /^✖ Not verifiedPROOF_INVALID: inclusion proof for index \d+: /,
    ],
    [
      'a page showing another agency than the logged entry',
      (page) =>
        tamperHistory(page, (body) => {
          (body.entries[0] as { agency: { id: string } }).agency.id = 'jps';
        }),
      /^✖ Not verifiedSHOWN_FIELDS_DIFFER: what is shown differs from the logged entry \d+ in: requester$/,
    ],
    [
      'a checkpoint signed by another key',
      (page) =>
        tamperHistory(page, (body) => {
          const [origin, size, root] = String(body.checkpoint).split('\n');
          const impostor = createNoteSigner(generateSignerKey(origin ?? DEMO_KEY_NAME).signerKey);
          body.checkpoint = signCheckpoint(impostor, {
            size: Number(size),
            root: new Uint8Array(Buffer.from(root ?? '', 'base64')),
          });
        }),
      /^✖ Not verifiedKEY_UNKNOWN: no signature by demo\.tsunagi\.localhost\/access-trail /,
    ],
    [
      'a checkpoint not consistent with one this browser verified before',
      async (page) => {
        // Signed by the log's own key, at size 1 with another root: a fork the log must never sign.
        const signer = createNoteSigner(readFileSync(demoKeyFiles(config.home).signer, 'utf8').trim());
        const forked = signCheckpoint(signer, { size: 1, root: new Uint8Array(32).fill(7) });
        await page.evaluate(
          ([key, note]) => localStorage.setItem(key as string, note as string),
          [`tsunagi.trail-checkpoint:${DEMO_KEY_NAME}`, forked],
        );
      },
      /^✖ Not verifiedNOT_CONSISTENT: consistency 1 → \d+: /,
    ],
  ];
  it.each(attacks)('marks entries not verified, with the reason, for %s', async (_, attack, reason) => {
    const page = await openPage();
    await attack(page);
    await signIn(page, card(1));
    await page.waitForFunction(() =>
      document.querySelector('#status')?.textContent?.includes('entries shown'),
    );
    expect(await markOf(page).textContent()).toMatch(reason);
    expect(await markOf(page).getAttribute('class')).toBe('failed');
    await page.evaluate(() => localStorage.clear());
    await page.close();
  });

  it('after sign-out, the session token is refused when replayed', async () => {
    const page = await openPage();
    let bearer: string | undefined;
    page.on('request', (request) => {
      bearer = request.headers().authorization ?? bearer;
    });
    await signIn(page, card(1));
    await page.waitForSelector('#accesses tbody tr');
    expect(bearer).toMatch(/^Bearer v1\./);
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in', { state: 'visible' });
    expect(await page.locator('#status').textContent()).toBe('Signed out.');
    const replayed = await call(`${gateway.url}/v1/resident/history`, {
      ca: gateway.ca,
      headers: { authorization: bearer as string },
    });
    expect(replayed).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' },
    });
    await page.close();
  });

  it('refuses, through the page, a wrongly signed and an unsigned challenge, an unenrolled card and a revoked card', async () => {
    const page = await openPage();
    const alert = page.locator('#alert');
    const refusal = async (files: { certificateFile: string; keyFile: string }) => {
      await signIn(page, files);
      await alert.waitFor({ state: 'visible' });
      const text = await alert.textContent();
      await page.evaluate(() => {
        const element = document.querySelector('#alert') as HTMLElement;
        element.hidden = true;
      });
      return text;
    };
    expect(await refusal({ certificateFile: card(1).certificateFile, keyFile: card(2).keyFile })).toBe(
      'Sign-in refused: CHALLENGE_SIGNATURE_INVALID — the signature does not verify',
    );

    await page.route('**/v1/resident/sign-in', (route) => {
      const { signature: _, ...unsigned } = JSON.parse(route.request().postData() ?? '{}');
      return route.continue({ postData: JSON.stringify(unsigned) });
    });
    expect(await refusal(card(1))).toMatch(/^Sign-in refused: INPUT_INVALID — body\.signature: /);
    await page.unroute('**/v1/resident/sign-in');

    const unenrolled = await issueDemoCard(jpki, 'card-unenrolled');
    expect(await refusal(unenrolled)).toBe(
      'Sign-in refused: CERTIFICATE_NOT_ENROLLED — the certificate is not enrolled for any resident',
    );

    const revoked = await issueDemoCard(jpki, 'card-revoked');
    const identity = await openIdentityHub(config, logger);
    try {
      const residents = await demoResidents(config, identity, 3);
      expect(
        await bindCertificateForResident(
          identity.certificates,
          readFileSync(revoked.certificateFile, 'utf8'),
          residents[2] as never,
        ),
      ).toMatchObject({ ok: true });
    } finally {
      await identity.close();
    }
    expect(await refreshDemoCrl(config, jpki, logger, [revoked.serialNumber])).toMatchObject({ ok: true });
    let text: string | null = null;
    for (let attempt = 0; attempt < 20 && !text?.includes('REVOKED —'); attempt++) {
      if (attempt > 0) await sleep(500);
      text = await refusal(revoked);
    }
    expect(text).toBe('Sign-in refused: REVOKED — the certificate is revoked (revoked per CRL)');
    expect(await page.locator('#history').isVisible()).toBe(false);
    await page.close();
  });

  it("npm start's demo step prints the page and finds card 1's history verified, as the page checks it", async () => {
    const lastInquiry = Math.max(...inquiries.map((a) => Number(a.trail?.offset ?? 0)));
    const report = await demoResidentPage(config, lastInquiry, port);
    expect(report.url).toBe(`${gateway.url}/resident/`);
    expect(report.entries).toBeGreaterThanOrEqual(2);
    expect(report.verified).toBe(report.entries);
    expect(report.checkpointSize).toBeGreaterThan(lastInquiry);
  });

  it('ran without script errors or Content-Security-Policy violations', () => {
    // Refused requests (401/403/400) are logged by Chromium as failed resources, nothing else.
    expect(consoleErrors.filter((e) => !/the server responded with a status of 40[013]/.test(e))).toEqual([]);
  });
});

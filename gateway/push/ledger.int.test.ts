import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanForAccountNumbers, scanForText } from '../../identity/privacy-scan.js';
import type { DisclosureRecorded, ResidentLedgerChanged } from '../../schemas/events.js';
import { Topics } from '../../schemas/topics.js';
import { readTopic, readTopics } from '../../tests/support/read-topic.js';
import { startPushGateway } from '../testing/push-gateway.js';
import { type ClientIdentity, call } from '../testing/tls.js';

/**
 * Issue 15, "Done when": a registered public-money account is disclosed only under a benefit-payment
 * row, and is never in clear on any topic, store or log. The resident registers it (and a contact
 * for notices) through the resident API, signed in.
 */
let gw: Awaited<ReturnType<typeof startPushGateway>>;
let chiyoda: ClientIdentity;
let token: string;
let code: string;
const account = {
  bankCode: '0009',
  branchCode: '418',
  accountType: 'ORDINARY',
  accountNumber: '3141592',
  holderKana: 'ヤマダ タロウ',
};
const contact = { kind: 'MOBILE', phoneNumber: '090-2718-2818' };

const resident = (path: string, method = 'GET', body?: unknown) =>
  call(`${gw.url}/v1/resident/${path}`, {
    method,
    ca: gw.pki.caPem,
    headers: { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body }),
  });
const inquire = (officeWork: string) =>
  call(`${gw.url}/v1/inquiries`, {
    client: chiyoda,
    ca: gw.pki.caPem,
    body: { agencyCode: code, officeWork, items: ['PUBLIC_MONEY_ACCOUNT'] },
  });

beforeAll(async () => {
  gw = await startPushGateway('ledger');
  chiyoda = await gw.pki.issue('131016');
  token = await gw.sessionOf(gw.resident);
  code = await gw.hub.codes.issueAgencyCode('131016', gw.resident);
});
afterAll(() => gw?.close());

describe("the resident's ledger", () => {
  it('starts empty, and needs a resident session', async () => {
    expect((await resident('account')).body).toEqual({ account: null });
    const anonymous = await call(`${gw.url}/v1/resident/account`, { ca: gw.pki.caPem });
    expect(anonymous).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' },
    });
  });

  it.each([
    [{ ...account, bankCode: '9' }, 'body.bankCode', 'expected a 4-digit bank code (金融機関コード)'],
    [
      { ...account, holderKana: 'やまだ たろう' },
      'body.holderKana',
      'expected full-width katakana, names separated by one space',
    ],
    [{ ...account, accountNumber: '31415926' }, 'body.accountNumber', 'expected a 7-digit account number'],
  ])('refuses %j naming the field, never the value', async (body, path, message) => {
    const answer = await resident('account', 'PUT', body);
    expect(answer).toMatchObject({
      status: 400,
      body: { code: 'INPUT_INVALID', path, message: `${path}: ${message}` },
    });
  });

  it('registers the account and shows it back with the last three digits only', async () => {
    const answer = await resident('account', 'PUT', account);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      account: {
        bankCode: '0009',
        branchCode: '418',
        accountType: 'ORDINARY',
        accountNumberEnd: '592',
        holderKana: 'ヤマダ タロウ',
      },
    });
    expect(answer.text).not.toContain(account.accountNumber);
  });

  it('registers a contact for notices, shown masked', async () => {
    const answer = await resident('contact', 'PUT', contact);
    expect(answer.body).toEqual({ contact: { kind: 'MOBILE', masked: '090-****-2818' } });
    expect(
      (await resident('contact', 'PUT', { kind: 'MOBILE', phoneNumber: '03-1234-5678' })).body,
    ).toMatchObject({
      code: 'INPUT_INVALID',
      path: 'body.phoneNumber',
    });
  });

  it('discloses the account to a benefit payment only (LB-0023), recorded like any item', async () => {
    const refused = await inquire('child-allowance-eligibility');
    expect(refused.status).toBe(403);
    expect(refused.body.items[0]).toMatchObject({ outcome: 'REFUSED', reason: 'NO_LEGAL_BASIS' });
    const paid = await inquire('child-allowance-payment');
    expect(paid.status).toBe(200);
    expect(paid.body.items[0]).toMatchObject({
      itemKind: 'PUBLIC_MONEY_ACCOUNT',
      provider: 'digital-agency',
      outcome: 'DISCLOSED',
      legalBasisRowId: 'LB-0023',
      data: account,
    });
    const trail = await readTopic(gw.kafka, gw.topic(Topics.accessTrail));
    const events = (await Promise.all(
      trail.map((m) => gw.wire.decode(m.value as Buffer)),
    )) as DisclosureRecorded[];
    expect(events.map((e) => [e.data.officeWork, e.data.itemKind, e.data.outcome])).toEqual([
      ['child-allowance-eligibility', 'PUBLIC_MONEY_ACCOUNT', 'REFUSED'],
      ['child-allowance-payment', 'PUBLIC_MONEY_ACCOUNT', 'DISCLOSED'],
    ]);
  });

  it('never holds the account or the contact in clear on any topic, store or log line', async () => {
    const bytes: Buffer[] = [];
    const everyTopic = await readTopics(
      gw.kafka,
      Object.values(Topics).map((t) => gw.topic(t)),
    );
    for (const m of [...everyTopic.values()].flat())
      bytes.push(m.value ?? Buffer.alloc(0), m.key ?? Buffer.alloc(0));
    const ledger = await readTopic(gw.kafka, gw.topic(Topics.residentLedger));
    expect(ledger.map((m) => m.key?.toString()).sort()).toEqual([
      `${gw.resident}:NOTICE_CONTACT`,
      `${gw.resident}:PUBLIC_MONEY_ACCOUNT`,
    ]);
    const secrets = [account.accountNumber, '09027182818'];
    const store = { path: gw.hub.dir };
    expect(scanForAccountNumbers(secrets, [...bytes, ...gw.logLines, store])).toEqual([]);
    expect(scanForText(['ヤマダ', '2718-2818'], [...bytes, ...gw.logLines])).toEqual([]);
  });

  it('removes the account: no longer disclosed (404), removing again is no error', async () => {
    expect((await resident('account', 'DELETE')).status).toBe(204);
    expect((await resident('account', 'DELETE')).status).toBe(204);
    expect((await resident('account')).body).toEqual({ account: null });
    const answer = await inquire('child-allowance-payment');
    expect(answer.status).toBe(404);
    expect(answer.body.items[0]).toMatchObject({ outcome: 'NOT_FOUND' });
    const ledger = await readTopic(gw.kafka, gw.topic(Topics.residentLedger));
    const changes = (await Promise.all(
      ledger.map((m) => gw.wire.decode(m.value as Buffer)),
    )) as ResidentLedgerChanged[];
    const actions = (entry: string) =>
      changes.filter((e) => e.data.entry === entry).map((e) => e.data.action);
    expect(actions('PUBLIC_MONEY_ACCOUNT')).toEqual(['REGISTERED', 'REMOVED']);
    expect(actions('NOTICE_CONTACT')).toEqual(['REGISTERED']);
  });
});

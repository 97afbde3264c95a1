import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindCertificateForResident } from '../../gateway/resident/certificate-enrolment.js';
import { demoCard } from '../../gateway/resident/sign-in-client.js';
import { call, type HttpAnswer } from '../../gateway/testing/tls.js';
import { openIdentityHub } from '../../identity/identity-hub.js';
import { demoJpkiEnv, ensureDemoJpki, refreshDemoCrl } from '../../scripts/demo-jpki.js';
import { ensureDemoPki } from '../../scripts/demo-pki.js';
import { type FaultSystem, startFaultSystem } from './support/fault-system.js';
import { recordCase } from './support/figures.js';
import {
  type InquiryTarget,
  prepareInquiries,
  type Receipt,
  startLoad,
  statusCounts,
} from './support/inquiries.js';
import { type RoundRobinProxy, startRoundRobinProxy } from './support/round-robin-proxy.js';
import { answersAgainstTrail, disclosedInquiryRecords, readTrail, type TrailRow } from './support/trail.js';

/**
 * Two gateway instances (`gateway` and `gateway-2`, GATEWAY_INSTANCES=2, one TSUNAGI_SESSION_KEY)
 * behind a round-robin TCP proxy started here, on the fault cluster: a resident's sign-in begun on
 * one completes on the other and is single use across both; a sign-out on one holds on the other;
 * an agency's budget holds across both; each disclosed item has exactly one trail record whichever
 * instance answered; one instance SIGKILLed under load, the other answers every new connection.
 */
const LIMIT = 400;
const RATE = Number(process.env.FAULT_SCALE_OUT_RATE ?? 5);
const TEST = 'tests/fault/scale-out.fault.test.ts';
let system: FaultSystem;
let proxy: RoundRobinProxy;
let targets: InquiryTarget[];
let ca: string;
let card: Awaited<ReturnType<typeof demoCard>>;
let ports: [number, number];

beforeAll(async () => {
  system = await startFaultSystem('scale-out', {
    gateways: 2,
    env: async (config) => ({
      ...demoJpkiEnv(await ensureDemoJpki(config), {}),
      TSUNAGI_SESSION_KEY: randomBytes(32).toString('base64'),
      GATEWAY_INSTANCES: '2',
      GATEWAY_RATE_LIMIT_PER_MINUTE: String(LIMIT),
    }),
  });
  await system.start('projector', 'gateway', 'gateway-2');
  ports = [system.gatewayPort, system.secondGatewayPort as number];
  // Osaka's inquiries are the load; Hello Work's budget is the one spent on purpose below.
  targets = (await prepareInquiries(system, 60)).filter((t) => t.agency === '271004');
  ca = readFileSync((await ensureDemoPki(system.config)).caFile, 'utf8');
  const jpki = await ensureDemoJpki(system.config);
  const certificatePem = readFileSync((jpki.cards[0] as { certificateFile: string }).certificateFile, 'utf8');
  card = await demoCard({
    certificatePem,
    keyPem: readFileSync((jpki.cards[0] as { keyFile: string }).keyFile, 'utf8'),
  });
  await bindToAResident(certificatePem);
  await refreshDemoCrl(system.config, jpki, system.logger);
  proxy = await startRoundRobinProxy(ports);
});

afterAll(async () => {
  await proxy?.close();
  await system?.stop();
});

/** Binds the demo card to the first resident of the ingested export, as card issuance would. */
async function bindToAResident(certificatePem: string): Promise<void> {
  const dir = join(system.config.home, 'inquiry-exports');
  const juki = readdirSync(dir).find((f) => f.startsWith('juki.')) as string;
  const myNumber = /\n[^,\n]*,(\d{12}),/.exec(readFileSync(join(dir, juki), 'utf8'))?.[1] as string;
  const identity = await openIdentityHub(system.config, system.logger);
  try {
    const linkageId = await identity.vault.lookup(myNumber);
    if (!linkageId) throw new Error('the first resident of the export is not enrolled');
    const bound = await bindCertificateForResident(identity.certificates, certificatePem, linkageId);
    if (!bound.ok) throw new Error(`binding refused: ${bound.reason}`);
  } finally {
    await identity.close();
  }
}

const at = (port: number, path: string) => `https://127.0.0.1:${port}${path}`;

/** A challenge from one instance, signed by the card: the body of a sign-in to post anywhere. */
async function signedChallenge(port: number): Promise<Record<string, string>> {
  const issued = await call(at(port, '/v1/resident/challenge'), { ca, method: 'POST' });
  expect(issued.status).toBe(200);
  const signature = await card.sign(new TextEncoder().encode(issued.body.challenge));
  return {
    challengeId: issued.body.challengeId,
    certificate: Buffer.from(card.certificateDer).toString('base64'),
    signature: Buffer.from(signature).toString('base64'),
  };
}

const signInAt = (port: number, body: Record<string, string>) =>
  call(at(port, '/v1/resident/sign-in'), { ca, method: 'POST', body });

const asResident = (port: number, path: string, token: string, method = 'GET') =>
  call(at(port, path), { ca, method, headers: { authorization: `Bearer ${token}` } });

describe('two gateway instances behind a round-robin proxy', () => {
  it('a sign-in begun on one instance completes on the other, once; a sign-out on one holds on the other', async () => {
    const started = Date.now();
    // Both instances' revocation views must hold the CRL ingested moments ago before a card passes.
    for (const port of ports)
      for (let waited = 0; ; waited += 500) {
        const answer = await signInAt(port, await signedChallenge(port));
        if (answer.status === 200) break;
        if (answer.body.reason !== 'REVOCATION_UNKNOWN' || waited > 120_000)
          throw new Error(`sign-in at ${port}: ${answer.status} ${answer.text}`);
        await sleep(500);
      }

    const crossed: HttpAnswer[] = [];
    for (let round = 0; round < 6; round++) {
      const [begun, completed] = round % 2 === 0 ? ports : [ports[1], ports[0]];
      crossed.push(await signInAt(completed, await signedChallenge(begun)));
    }
    expect(crossed.map((a) => a.status)).toEqual(Array(6).fill(200));

    // The same signed challenge sent to both at once: one session, one refusal.
    const races: number[][] = [];
    for (let round = 0; round < 6; round++) {
      const body = await signedChallenge(ports[round % 2] as number);
      const answers = await Promise.all(ports.map((port) => signInAt(port, body)));
      races.push(answers.map((a) => a.status).sort());
      const refused = answers.find((a) => a.status !== 200);
      expect(refused?.body).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'CHALLENGE_UNKNOWN' });
    }
    expect(races).toEqual(Array(6).fill([200, 401]));

    const token = (crossed.at(-1) as HttpAnswer).body.token as string;
    expect((await asResident(ports[0], '/v1/resident/consents', token)).status).toBe(200);
    expect((await asResident(ports[1], '/v1/resident/sign-out', token, 'POST')).body).toEqual({
      signedOut: true,
    });
    const signedOutAt = Date.now();
    expect((await asResident(ports[1], '/v1/resident/consents', token)).body.reason).toBe('TOKEN_REVOKED');
    let refusedByOtherAfterMs = -1;
    for (let waited = 0; waited < 60_000; waited += 100) {
      const answer = await asResident(ports[0], '/v1/resident/consents', token);
      if (answer.status === 401) {
        expect(answer.body).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
        refusedByOtherAfterMs = Date.now() - signedOutAt;
        break;
      }
      await sleep(100);
    }
    expect(refusedByOtherAfterMs).toBeGreaterThanOrEqual(0);

    recordCase({
      id: 'scale-out-sign-in',
      test: TEST,
      faults: [
        'two gateway instances: challenge on one, sign-in on the other; the same signed challenge to both at once; sign-out on one, the token then used on the other',
      ],
      cases: crossed.length + races.length + 1,
      broken: {
        crossInstanceSignInsRefused: crossed.filter((a) => a.status !== 200).length,
        racesWithOtherThanOneSession: races.filter((r) => r.join() !== '200,401').length,
        signOutNotHeldOnOtherInstance: refusedByOtherAfterMs < 0 ? 1 : 0,
      },
      figures: {
        crossInstanceSignIns: crossed.length,
        races: races.length,
        signOutRefusedOnOtherInstanceAfterMs: refusedByOtherAfterMs,
      },
      seconds: (Date.now() - started) / 1000,
    });
  });

  it("an agency's budget holds across both instances: each enforces half, together at most the limit", async () => {
    const started = Date.now();
    const pki = await ensureDemoPki(system.config);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const client = { ...pki.agency('hello-work'), serial: '' };
    const sent = LIMIT + LIMIT / 2;
    const answers: HttpAnswer[] = [];
    const before = [...proxy.connections];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < sent) {
          next += 1;
          answers.push(await call(at(proxy.port, '/metrics'), { ca, client, agent }));
        }
      }),
    );
    agent.destroy();
    const seconds = (Date.now() - started) / 1000;
    const accepted = answers.filter((a) => a.status === 200).length;
    const refused = answers.filter((a) => a.status === 429);
    expect(accepted + refused.length).toBe(sent);
    expect(refused.every((a) => a.body.code === 'RATE_LIMITED' && a.body.path === 'agency')).toBe(true);
    expect(new Set(answers.map((a) => a.headers['x-ratelimit-limit']))).toEqual(new Set([String(LIMIT / 2)]));
    // Within one budget window (a minute) the two shares add up to the limit, never more.
    if (seconds < 55) expect(accepted).toBeLessThanOrEqual(LIMIT);
    expect(accepted).toBeGreaterThan(LIMIT / 2);
    recordCase({
      id: 'scale-out-rate-limit',
      test: TEST,
      faults: [
        `one agency sends ${sent} requests through the proxy to two instances, GATEWAY_RATE_LIMIT_PER_MINUTE=${LIMIT}, GATEWAY_INSTANCES=2`,
      ],
      cases: sent,
      broken: { acceptedAboveLimit: Math.max(0, accepted - LIMIT) },
      figures: {
        limit: LIMIT,
        perInstanceShare: LIMIT / 2,
        accepted,
        refused429: refused.length,
        connectionsPerInstance: proxy.connections.map((c, i) => c - (before[i] ?? 0)).join('/'),
      },
      seconds,
    });
  });

  it('each disclosed item has exactly one trail record, whichever instance answered', async () => {
    const started = Date.now();
    const before = [...proxy.connections];
    const load = await startLoad(system, targets, {
      ratePerSecond: RATE,
      port: proxy.port,
      keepAlive: false,
    });
    for (let waited = 0; waited < 120_000; waited += 500) {
      if (load.receipts.filter((r) => r.status === 200).length >= RATE * 12) break;
      await sleep(500);
    }
    const receipts = await load.stop();
    const perInstance = proxy.connections.map((c, i) => c - (before[i] ?? 0));
    const trail = await readTrail(system);
    const checked = answersAgainstTrail(receipts, trail);
    const counted = recordsPerAnswer(receipts, trail);
    expect(checked.withoutRecord).toEqual([]);
    expect(counted.duplicated).toEqual([]);
    expect(counted.missing).toEqual([]);
    expect(perInstance.every((c) => c > 0)).toBe(true);
    expect(receipts.filter((r) => r.status !== 200 && r.disclosedData)).toEqual([]);
    recordCase({
      id: 'scale-out-trail',
      test: TEST,
      faults: [`${RATE} inquiries/s through the proxy, a new connection each, spread over two instances`],
      cases: receipts.length,
      broken: {
        disclosedWithoutRecord: checked.withoutRecord.length,
        itemsWithMoreThanOneRecord: counted.duplicated.length,
        itemsWithoutRecord: counted.missing.length,
      },
      figures: {
        answered200: statusCounts(receipts)[200] ?? 0,
        disclosedItemsAnswered: counted.items,
        disclosedRecordsOfTheseInquiries: counted.records,
        connectionsPerInstance: perInstance.join('/'),
      },
      seconds: (Date.now() - started) / 1000,
    });
  });

  it('one instance SIGKILLed under load: the other answers every new connection, no disclosure without a record', async () => {
    const started = Date.now();
    const skippedBefore = proxy.skipped;
    const load = await startLoad(system, targets, {
      ratePerSecond: RATE,
      port: proxy.port,
      keepAlive: false,
    });
    const from = new Date();
    for (let waited = 0; waited < 60_000; waited += 500) {
      if (load.receipts.filter((r) => r.status === 200).length >= RATE * 4) break;
      await sleep(500);
    }
    await system.kill('gateway-2');
    const killedAt = Date.now();
    for (let waited = 0; waited < 120_000; waited += 500) {
      if (load.receipts.filter((r) => r.sentAt > killedAt + 2_000 && r.status === 200).length >= RATE * 8)
        break;
      await sleep(500);
    }
    const receipts = await load.stop();
    const to = new Date();
    const later = receipts.filter((r) => r.sentAt > killedAt + 2_000);
    const afterKill = receipts.filter((r) => r.sentAt >= killedAt);
    const trail = await readTrail(system);
    const checked = answersAgainstTrail(receipts, trail);
    const received = receipts.filter((r) => r.status === 200).length;
    // The trail may over-state (an answer lost with the killed instance), never under-state.
    const recorded = disclosedInquiryRecords(trail, from, to);
    expect(checked.withoutRecord).toEqual([]);
    expect(receipts.filter((r) => r.status !== 200 && r.disclosedData)).toEqual([]);
    expect(later.length).toBeGreaterThan(0);
    expect(statusCounts(later)).toEqual({ 200: later.length });
    expect(proxy.skipped).toBeGreaterThan(skippedBefore);
    expect(received).toBeLessThanOrEqual(recorded);
    recordCase({
      id: 'scale-out-instance-kill',
      test: TEST,
      faults: [
        `SIGKILL of gateway instance 2 under ${RATE} inquiries/s through the proxy (new connection each)`,
      ],
      cases: receipts.length,
      broken: {
        disclosedWithoutRecord: checked.withoutRecord.length,
        newConnectionsNotAnswered200: later.filter((r) => r.status !== 200).length,
        dataWithout200: receipts.filter((r) => r.status !== 200 && r.disclosedData).length,
        answersAboveRecords: Math.max(0, received - recorded),
      },
      figures: {
        answered200AfterKill: afterKill.filter((r) => r.status === 200).length,
        noAnswer: receipts.filter((r) => r.status === 0).length,
        connectsToKilledInstanceSkipped: proxy.skipped - skippedBefore,
        answersReceived: received,
        disclosedRecords: recorded,
      },
      seconds: (Date.now() - started) / 1000,
    });
  });
});

/** For the 200 answers: each DISCLOSED item against the DISCLOSED records of its inquiry, by count. */
function recordsPerAnswer(receipts: readonly Receipt[], trail: ReadonlyMap<string, TrailRow>) {
  const byInquiry = new Map<string, number>();
  for (const row of trail.values())
    if (row.outcome === 'DISCLOSED')
      byInquiry.set(row.correlationId, (byInquiry.get(row.correlationId) ?? 0) + 1);
  const duplicated: string[] = [];
  const missing: string[] = [];
  let items = 0;
  let records = 0;
  for (const r of receipts.filter((x) => x.status === 200 && x.inquiryId)) {
    const disclosed = r.items.filter((i) => i.outcome === 'DISCLOSED').length;
    const found = byInquiry.get(r.inquiryId as string) ?? 0;
    items += disclosed;
    records += found;
    if (found > disclosed) duplicated.push(r.inquiryId as string);
    if (found < disclosed) missing.push(r.inquiryId as string);
  }
  return { items, records, duplicated, missing };
}

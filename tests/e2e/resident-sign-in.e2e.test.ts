import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infraPaths } from '../../infra/paths.js';
import { servicesDown, servicesUp } from '../../infra/stack.js';
import { parseCertificate, serialHex, toDer } from '../../jpki/pki.js';
import type { InfraConfig } from '../../platform/config.js';
import { Topics, topicName } from '../../schemas/topics.js';
import { demoIngest } from '../../scripts/demo-ingest.js';
import { type DemoJpki, demoJpkiEnv, ensureDemoJpki, refreshDemoCrl } from '../../scripts/demo-jpki.js';
import { ensureDemoPki, gatewayTlsEnv } from '../../scripts/demo-pki.js';
import { type DemoSignIn, demoResidentSignIn, signInAtGateway } from '../../scripts/demo-sign-in.js';
import { testKafka, testLogger } from '../support/infra.js';
import { isolatedSystem } from '../support/isolated-system.js';
import { readTopic } from '../support/read-topic.js';

/**
 * Issue 12, deliverable 1, as `npm start` runs it: the demo JPKI is made under an isolated home, a
 * fresh CRL is ingested, the services start with the demo trust anchors, the demo ingest creates
 * residents, two demo cards are bound to two of them and sign in at the gateway process over TLS
 * using nothing but their files on disk.
 */
const logger = testLogger();
const run = promisify(execFile);
let config: InfraConfig;
let port: number;
let jpki: DemoJpki;
let signedIn: DemoSignIn[];
let gateway: { url: string; ca: string };

beforeAll(async () => {
  const system = await isolatedSystem('e2e-signin', logger);
  config = system.config;
  port = system.port;
  jpki = await ensureDemoJpki(config);
  expect(await refreshDemoCrl(config, jpki, logger)).toMatchObject({ ok: true, published: 0 });
  await servicesUp(config, logger, {
    ...system.env,
    ...(await gatewayTlsEnv(config, {})),
    ...demoJpkiEnv(jpki, {}),
  });
  await demoIngest(config, logger, 40);
  signedIn = await demoResidentSignIn(config, logger, port);
  gateway = {
    url: `https://127.0.0.1:${port}`,
    ca: readFileSync((await ensureDemoPki(config)).caFile, 'utf8'),
  };
});

afterAll(async () => {
  if (config) await servicesDown(config, logger);
});

describe('resident sign-in out of the box', () => {
  it('signs two demo cards in as two different residents', async () => {
    expect(signedIn.map((s) => [s.card.name, s.status])).toEqual([
      ['card-1', 200],
      ['card-2', 200],
    ]);
    const [first, second] = signedIn;
    expect(first?.ppid).toMatch(/^PP1-v\d+-/);
    expect(second?.ppid).toMatch(/^PP1-v\d+-/);
    expect(first?.ppid).not.toBe(second?.ppid);
  });

  it('keeps the cards under TSUNAGI_HOME: certificate PEM, PKCS#8 PEM key readable by the owner only', () => {
    for (const card of jpki.cards) {
      expect(card.dir.startsWith(infraPaths(config.home).data('demo'))).toBe(true);
      expect(parseCertificate(toDer(readFileSync(card.certificateFile, 'utf8')) as Uint8Array)).toBeDefined();
      expect(readFileSync(card.keyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      expect(statSync(card.keyFile).mode & 0o077).toBe(0);
    }
  });

  it('signs in again with the same files to the same PPID; binding again appends nothing', async () => {
    const again = await demoResidentSignIn(config, logger, port);
    expect(again.map((s) => s.ppid)).toEqual(signedIn.map((s) => s.ppid));
    const bindings = await readTopic(
      testKafka(config),
      topicName(config.TOPIC_PREFIX, Topics.certificateBindings),
    );
    expect(bindings).toHaveLength(2);
    const bytes = Buffer.concat(
      bindings.flatMap((m) => [m.key ?? Buffer.alloc(0), m.value ?? Buffer.alloc(0)]),
    );
    for (const card of jpki.cards) {
      const certificate = parseCertificate(toDer(readFileSync(card.certificateFile, 'utf8')) as Uint8Array);
      expect(bytes.toString('latin1')).not.toContain(serialHex(certificate?.serialNumber as never));
    }
  });

  it('signs in with the command npm start prints (scripts/resident-sign-in.ts)', async () => {
    const [, second] = jpki.cards;
    const { stdout } = await run('npx', ['tsx', 'scripts/resident-sign-in.ts', second?.dir as string], {
      env: {
        ...process.env,
        TSUNAGI_HOME: config.home,
        KAFKA_SECRETS_DIR: config.kafkaSecretsDir,
        GATEWAY_PORT: String(port),
      },
      timeout: 60_000,
    });
    expect(stdout).toMatch(/^HTTP 200\n/);
    expect(JSON.parse(stdout.slice(stdout.indexOf('\n') + 1))).toMatchObject({
      tokenType: 'Bearer',
      ppid: signedIn[1]?.ppid,
    });
  });

  it("refuses one card's certificate signed with the other card's key", async () => {
    const [one, two] = jpki.cards;
    if (!one || !two) throw new Error('two demo cards expected');
    const answer = await signInAtGateway(
      { certificateFile: one.certificateFile, keyFile: two.keyFile },
      gateway,
    );
    expect(answer).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED', reason: 'CHALLENGE_SIGNATURE_INVALID', path: 'body.signature' },
    });
  });
});

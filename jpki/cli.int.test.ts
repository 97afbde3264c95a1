import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InfraConfig } from '../platform/config.js';
import { isolatedTopics } from '../tests/support/topics.js';
import { serialHex, toPem } from './pki.js';
import { createTestPki, type TestPki } from './testing/pki/index.js';

/** The CLI as an operator runs it, against the real broker and registry (own topic prefix). */
const run = promisify(execFile);
let config: InfraConfig;
let pki: TestPki;
let dir: string;

beforeAll(async () => {
  [config, pki] = await Promise.all([isolatedTopics('jpki-cli'), createTestPki()]);
  dir = mkdtempSync(join(tmpdir(), 'tsunagi-jpki-cli-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  run('npx', ['tsx', 'jpki/cli.ts', ...args], {
    env: { ...process.env, TOPIC_PREFIX: config.TOPIC_PREFIX, LOG_LEVEL: 'warn' },
    timeout: 60_000,
  });

describe('jpki CLI crl-ingest', () => {
  it('prints how many new revocations it published, and none when run again on the same CRL', async () => {
    const cards = await Promise.all([pki.issueUserIdentification(), pki.issueUserIdentification()]);
    const crl = join(dir, 'ca.crl');
    const issuerPem = join(dir, 'ca.pem');
    writeFileSync(
      crl,
      await pki.issueCrl(
        cards.map((card) => ({
          serialNumber: serialHex(card.certificate.serialNumber),
          revokedAt: new Date(pki.now.getTime() - 60_000),
          reason: 'superseded' as const,
        })),
      ),
    );
    writeFileSync(issuerPem, toPem(pki.intermediate.der, 'CERTIFICATE'));

    const first = await cli('crl-ingest', crl, '--issuer-cert', issuerPem);
    expect(first.stdout).toMatch(
      /: 2 new revocation\(s\) published for C=JP,O=Tsunagi Test JPKI,CN=Test Issuing CA;/,
    );
    const second = await cli('crl-ingest', crl, '--issuer-cert', issuerPem);
    expect(second.stdout).toMatch(/: 0 new revocation\(s\) published/);
  });

  it('exits 1 and publishes nothing for a CRL that does not verify', async () => {
    const crl = join(dir, 'forged.crl');
    const issuerPem = join(dir, 'ca.pem');
    writeFileSync(crl, await pki.issueCrl([], { badSignature: true }));
    const failed = await cli('crl-ingest', crl, '--issuer-cert', issuerPem).catch((error: unknown) => error);
    expect(failed).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/refused \(SIGNATURE_INVALID\); nothing published/),
    });
  });
});

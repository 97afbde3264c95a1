import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadResidentSignInSettings } from '../gateway/resident/settings.js';
import { readCertificateFiles, readOneCertificate } from './certificate-files.js';
import { toPem } from './pki.js';
import { createTestPki, type TestPki } from './testing/pki/index.js';
import { exportPrivateKeyDer } from './testing/pki/keys.js';

/** Certificate files as configuration: bundles split, explanatory text ignored, nothing silently dropped. */
let pki: TestPki;
let dir: string;
const file = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const explained = (der: Uint8Array) =>
  `Certificate:\n    Data:\n        Version: 3 (0x2)\n${toPem(der, 'CERTIFICATE')}`;

beforeAll(async () => {
  pki = await createTestPki();
  dir = mkdtempSync(join(tmpdir(), 'tsunagi-certificate-files-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('certificate files', () => {
  it('reads every certificate of a bundle with text around the blocks, and DER files as they are', async () => {
    const bundle = file('anchors.pem', explained(pki.otherRoot.der) + explained(pki.root.der));
    const der = file('issuing.der', pki.intermediate.der);
    const read = await readCertificateFiles('JPKI_TRUST_ANCHORS', [bundle, der]);
    expect(read.map((d) => Buffer.from(d).toString('hex'))).toEqual(
      [pki.otherRoot.der, pki.root.der, pki.intermediate.der].map((d) => Buffer.from(d).toString('hex')),
    );
  });

  it('stops with CONFIG_INVALID naming the setting and file when a file holds no certificate', async () => {
    const key = file('card.key', toPem(await exportPrivateKeyDer(pki.root.keys.privateKey), 'PRIVATE KEY'));
    await expect(readCertificateFiles('JPKI_INTERMEDIATES', [key])).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `JPKI_INTERMEDIATES: ${key} holds no certificate`,
      path: 'JPKI_INTERMEDIATES',
    });
  });

  it('stops with CONFIG_INVALID naming the block that does not parse', async () => {
    const broken = file(
      'broken.pem',
      `${toPem(pki.root.der, 'CERTIFICATE')}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`,
    );
    await expect(readCertificateFiles('JPKI_TRUST_ANCHORS', [broken])).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `JPKI_TRUST_ANCHORS: certificate 2 of 2 in ${broken} does not parse`,
    });
  });

  it('refuses a bundle where exactly one certificate is expected', async () => {
    const bundle = file(
      'two.pem',
      toPem(pki.root.der, 'CERTIFICATE') + toPem(pki.intermediate.der, 'CERTIFICATE'),
    );
    await expect(readOneCertificate('--issuer-cert', bundle)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `--issuer-cert: ${bundle} holds 2 certificates; give exactly one`,
    });
    const one = file('one.pem', explained(pki.intermediate.der));
    expect(Buffer.from(await readOneCertificate('--issuer-cert', one))).toEqual(
      Buffer.from(pki.intermediate.der),
    );
  });

  it('gives the gateway every certificate of JPKI_TRUST_ANCHORS and JPKI_INTERMEDIATES bundles', async () => {
    const settings = await loadResidentSignInSettings({
      JPKI_TRUST_ANCHORS: file('roots.pem', explained(pki.otherRoot.der) + explained(pki.root.der)),
      JPKI_INTERMEDIATES: file(
        'cas.pem',
        toPem(pki.ocspResponder.der, 'CERTIFICATE') + explained(pki.intermediate.der),
      ),
    });
    expect([settings.trustAnchors.length, settings.intermediates.length]).toEqual([2, 2]);
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { toPem } from '../../pki.js';
import { createTestPki, type TestPki } from './index.js';
import { exportPrivateKeyDer } from './keys.js';

/**
 * Writes a test PKI to a directory for demos and manual checks. Every file name ends in
 * .pem, .der or .key, which .gitignore excludes: test keys and certificates are never committed.
 */
export async function writeTestPki(pki: TestPki, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const card = await pki.issueUserIdentification();
  const signing = await pki.issueSigning({
    name: '試験 太郎',
    address: '東京都千代田区千代田1-1',
    dateOfBirth: '1990-04-01',
    gender: '1',
  });
  const crl = await pki.issueCrl([]);
  const files: [string, string | Uint8Array][] = [
    ['root.pem', toPem(pki.root.der, 'CERTIFICATE')],
    ['intermediate.pem', toPem(pki.intermediate.der, 'CERTIFICATE')],
    ['intermediate.key', toPem(await exportPrivateKeyDer(pki.intermediate.keys.privateKey), 'PRIVATE KEY')],
    ['ocsp-responder.pem', toPem(pki.ocspResponder.der, 'CERTIFICATE')],
    [
      'ocsp-responder.key',
      toPem(await exportPrivateKeyDer(pki.ocspResponder.keys.privateKey), 'PRIVATE KEY'),
    ],
    ['user-identification.pem', toPem(card.der, 'CERTIFICATE')],
    ['card.key', toPem(await exportPrivateKeyDer(card.keys.privateKey), 'PRIVATE KEY')],
    ['signing.pem', toPem(signing.der, 'CERTIFICATE')],
    ['crl.der', crl],
  ];
  for (const [name, content] of files) await writeFile(join(dir, name), content, { mode: 0o600 });
  return files.map(([name]) => join(dir, name));
}

// `npx tsx jpki/testing/pki/write.ts [dir]` (default .tsunagi/test-pki).
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const dir = process.argv[2] ?? '.tsunagi/test-pki';
  const written = await writeTestPki(await createTestPki(), dir);
  process.stdout.write(`${written.join('\n')}\n`);
}

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTsunagiError } from '../core/errors.js';
import { parseCrl, validateCrl } from './crl.js';
import { derBlocks, toDer } from './pki.js';
import {
  CA_EXTENSIONS,
  createOpensslPki,
  type OpensslCertificate,
  type OpensslPki,
  USER_IDENTIFICATION_EXTENSIONS,
} from './testing/pki/openssl.js';
import { answering } from './testing/pki/support.js';
import { validateCertificate } from './validate.js';

/**
 * RFC 5280 path validation and RFC 7468 PEM reading against certificates and CRLs made by the
 * `openssl` CLI from extension config files (a temp dir per run), not by our own builder. Where
 * OpenSSL has a verdict of its own (`openssl verify`), the test checks that both agree.
 */
const UNKNOWN_OID = '1.3.6.1.4.1.32473.9.1';
const UNKNOWN_CRITICAL = `${UNKNOWN_OID}=critical,ASN1:UTF8String:no relying party knows this`;
let ssl: OpensslPki;
let root: OpensslCertificate;
let otherRoot: OpensslCertificate;
let issuing: OpensslCertificate;
let otherIssuing: OpensslCertificate;
let card: OpensslCertificate;

const subject = (cn: string) => `/C=JP/O=Tsunagi OpenSSL Test/CN=${cn}`;
const caUnder = (name: string, issuer: OpensslCertificate, extensions: readonly string[] = CA_EXTENSIONS) =>
  ssl.issue(name, { subject: subject(name), issuer, extensions });
const cardUnder = (name: string, issuer: OpensslCertificate, extra: readonly string[] = []) =>
  ssl.issue(name, {
    subject: `/C=JP/CN=JPKI-OPENSSL-${name}`,
    issuer,
    extensions: [...USER_IDENTIFICATION_EXTENSIONS, ...extra],
    keyOf: card,
  });

/** What `openssl x509 -text` / `openssl crl -text` write: the decoded form, then the PEM block. */
const withText = (certificate: OpensslCertificate) => ssl.run(['x509', '-in', certificate.pemFile, '-text']);
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

async function validate(
  leaf: OpensslCertificate,
  trust: { anchors?: (string | Uint8Array)[]; intermediates?: (string | Uint8Array)[] } = {},
) {
  return validateCertificate(leaf.pem, {
    trustAnchors: trust.anchors ?? [root.pem],
    intermediates: trust.intermediates ?? [issuing.pem],
    at: new Date(),
    purpose: 'user-identification',
    revocation: answering({ status: 'good', source: 'CRL' }),
  });
}

/** `openssl verify`'s own verdict on the same files: 'OK' or its error text. */
function opensslVerdict(leaf: OpensslCertificate, untrusted: OpensslCertificate[], anchor = root): string {
  const chain = join(ssl.dir, `${leaf.name}.untrusted.pem`);
  writeFileSync(chain, untrusted.map((c) => c.pem).join(''));
  try {
    const args = ['verify', '-CAfile', anchor.pemFile, ...(untrusted.length ? ['-untrusted', chain] : [])];
    return ssl.run([...args, leaf.pemFile]).includes(': OK') ? 'OK' : 'not OK';
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `${stdout ?? ''}${stderr ?? ''}`;
  }
}

beforeAll(() => {
  ssl = createOpensslPki();
  root = ssl.issue('root', { subject: subject('Root CA'), extensions: CA_EXTENSIONS, days: 3650 });
  otherRoot = ssl.issue('other-root', { subject: subject('Other Root CA'), extensions: CA_EXTENSIONS });
  issuing = caUnder('issuing', root);
  otherIssuing = caUnder('other-issuing', otherRoot);
  card = ssl.issue('card', {
    subject: '/C=JP/CN=JPKI-OPENSSL-CARD',
    issuer: issuing,
    extensions: USER_IDENTIFICATION_EXTENSIONS,
  });
}, 60_000);
afterAll(() => ssl?.close());

describe('OpenSSL-made chains', () => {
  it('accepts a valid OpenSSL chain (root → issuing CA → user-identification), as OpenSSL does', async () => {
    expect(opensslVerdict(card, [issuing])).toBe('OK');
    expect(await validate(card)).toMatchObject({
      ok: true,
      issuer: 'C=JP,O=Tsunagi OpenSSL Test,CN=issuing',
    });
  });

  it("refuses a chain that breaks an issuing CA's pathLenConstraint (PATH_LENGTH_EXCEEDED)", async () => {
    const limited = caUnder('limited', root, [
      ...CA_EXTENSIONS.slice(1),
      'basicConstraints=critical,CA:TRUE,pathlen:0',
    ]);
    const sub = caUnder('sub', limited);
    const leaf = cardUnder('pathlen', sub);
    expect(opensslVerdict(leaf, [limited, sub])).toContain('path length constraint exceeded');
    expect(await validate(leaf, { intermediates: [limited.pem, sub.pem] })).toEqual({
      ok: false,
      reason: 'PATH_LENGTH_EXCEEDED',
      detail:
        'issuing CA at depth 2 allows 0 intermediate CA(s) below it (pathLenConstraint); the path has 1',
    });
  });

  it('refuses a card certificate with an unknown critical extension (CRITICAL_EXTENSION_UNKNOWN)', async () => {
    const leaf = cardUnder('critical-leaf', issuing, [UNKNOWN_CRITICAL]);
    expect(opensslVerdict(leaf, [issuing])).toContain('unhandled critical extension');
    expect(await validate(leaf)).toEqual({
      ok: false,
      reason: 'CRITICAL_EXTENSION_UNKNOWN',
      detail: `certificate: unknown critical extension ${UNKNOWN_OID}`,
    });
  });

  it('refuses an issuing CA with an unknown critical extension (CRITICAL_EXTENSION_UNKNOWN)', async () => {
    const odd = caUnder('critical-ca', root, [...CA_EXTENSIONS, UNKNOWN_CRITICAL]);
    const leaf = cardUnder('under-critical-ca', odd);
    expect(opensslVerdict(leaf, [odd])).toContain('unhandled critical extension');
    expect(await validate(leaf, { intermediates: [odd.pem] })).toEqual({
      ok: false,
      reason: 'CRITICAL_EXTENSION_UNKNOWN',
      detail: `issuing CA at depth 1: unknown critical extension ${UNKNOWN_OID}`,
    });
  });

  it('refuses an issuer with basicConstraints cA=false (CHAIN_UNTRUSTED)', async () => {
    const endEntity = caUnder('not-a-ca', root, [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,keyCertSign,digitalSignature',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid:always',
    ]);
    const leaf = cardUnder('under-not-a-ca', endEntity);
    expect(opensslVerdict(leaf, [endEntity])).toContain('invalid CA certificate');
    expect(await validate(leaf, { intermediates: [endEntity.pem] })).toEqual({
      ok: false,
      reason: 'CHAIN_UNTRUSTED',
      detail: 'issuing CA at depth 1 is not a CA',
    });
  });

  it('refuses an issuing CA whose keyUsage lacks keyCertSign (CHAIN_UNTRUSTED)', async () => {
    const crlOnly = caUnder('crl-only', root, [
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,cRLSign',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid:always',
    ]);
    const leaf = cardUnder('under-crl-only', crlOnly);
    expect(opensslVerdict(leaf, [crlOnly])).toContain('key usage does not include certificate signing');
    expect(await validate(leaf, { intermediates: [crlOnly.pem] })).toEqual({
      ok: false,
      reason: 'CHAIN_UNTRUSTED',
      detail: 'issuing CA at depth 1: keyUsage lacks keyCertSign',
    });
  });

  it('refuses a certificate whose issuer name does not chain to a known CA (CHAIN_UNTRUSTED)', async () => {
    // Same key as the issuing CA, another name: the card names "renamed" as its issuer.
    const renamed = ssl.issue('renamed', {
      subject: subject('renamed'),
      issuer: root,
      extensions: CA_EXTENSIONS,
      keyOf: issuing,
    });
    const leaf = cardUnder('name-chain', renamed);
    expect(opensslVerdict(leaf, [issuing])).toContain('unable to get local issuer certificate');
    expect(await validate(leaf)).toEqual({
      ok: false,
      reason: 'CHAIN_UNTRUSTED',
      detail: 'no trusted issuer for certificate at depth 0',
    });
  });
});

describe('PEM files with explanatory text before -----BEGIN (RFC 7468 §5.2)', () => {
  it('accepts `openssl x509 -text` output as trust anchor and as intermediate, text or bytes', async () => {
    const [anchorText, intermediateText] = [withText(root), withText(issuing)];
    expect(anchorText.startsWith('Certificate:')).toBe(true);
    for (const form of [(t: string) => t, bytes]) {
      expect(
        await validate(card, { anchors: [form(anchorText)], intermediates: [form(intermediateText)] }),
      ).toMatchObject({
        ok: true,
      });
    }
  });

  it('accepts `openssl crl -text` output as a CRL, and its issuer certificate the same way', async () => {
    const revoked = cardUnder('revoked', issuing);
    ssl.crl(issuing, [revoked]);
    const crlText = ssl.run(['crl', '-in', join(ssl.dir, 'issuing-ca.crl.pem'), '-text']);
    expect(crlText.startsWith('Certificate Revocation List (CRL):')).toBe(true);
    const parsed = parseCrl(bytes(crlText));
    expect(parsed).toMatchObject({ ok: true, crl: { issuer: 'C=JP,O=Tsunagi OpenSSL Test,CN=issuing' } });
    const checked = await validateCrl(bytes(crlText), {
      issuerCertificate: toDer(bytes(withText(issuing))) as Uint8Array,
      at: new Date(),
    });
    expect(checked.ok && checked.crl.entries.map((e) => [e.serialNumber, e.reason])).toEqual([
      [
        ssl.run(['x509', '-in', revoked.pemFile, '-noout', '-serial']).trim().slice(7).toLowerCase(),
        'keyCompromise',
      ],
    ]);
  });
});

describe('PEM files holding several certificates', () => {
  it('trusts every root of a trust-anchor bundle, not only the first', async () => {
    const bundle = withText(otherRoot) + root.pem;
    expect(derBlocks(bundle, 'certificate')).toHaveLength(2);
    expect(await validate(card, { anchors: [bundle] })).toMatchObject({ ok: true });
    expect(await validate(card, { anchors: [bytes(bundle)] })).toMatchObject({ ok: true });
  });

  it('uses every issuing CA of an intermediate bundle, not only the first', async () => {
    const bundle = bytes(otherIssuing.pem + withText(issuing));
    expect(await validate(card, { intermediates: [bundle] })).toMatchObject({ ok: true });
  });

  it('refuses a bundle presented where one certificate is expected, and an anchor file with none', async () => {
    expect(
      await validateCertificate(card.pem + issuing.pem, {
        trustAnchors: [root.pem],
        at: new Date(),
        purpose: 'user-identification',
        revocation: answering({ status: 'good', source: 'CRL' }),
      }),
    ).toEqual({ ok: false, reason: 'MALFORMED', detail: '2 certificates given where one is expected' });
    const error = await validate(card, { anchors: [readFileSync(root.keyFile, 'utf8')] }).catch(
      (e: unknown) => e,
    );
    expect(isTsunagiError(error) && [error.code, error.message]).toEqual([
      'CONFIG_INVALID',
      'trust anchor 0 holds no certificate',
    ]);
  });
});

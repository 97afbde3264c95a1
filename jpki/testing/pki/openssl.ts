import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomSerial } from './index.js';

/**
 * Certificates and CRLs made by the `openssl` CLI itself, from extension config files, in a temp
 * directory at test time: a second, independent implementation to check our validation against
 * (nothing here goes through pkijs). Requires `openssl` on the PATH (Debian: `apt-get install openssl`).
 */
export interface OpensslCertificate {
  name: string;
  /** PEM file as `openssl` wrote it. */
  pemFile: string;
  keyFile: string;
  pem: string;
}

export interface OpensslIssue {
  /** `/C=JP/O=…/CN=…` */
  subject: string;
  /** Absent: self-signed. */
  issuer?: OpensslCertificate;
  /** Lines of the extension section, e.g. `basicConstraints=critical,CA:TRUE,pathlen:0`. */
  extensions: readonly string[];
  /** Reuse another certificate's key (saves RSA key generation). */
  keyOf?: OpensslCertificate;
  days?: number;
}

export interface OpensslPki {
  dir: string;
  issue(name: string, spec: OpensslIssue): OpensslCertificate;
  /** A v2 CRL from `issuer` revoking `revoked` (`openssl ca -gencrl`), as PEM. */
  crl(issuer: OpensslCertificate, revoked: readonly OpensslCertificate[]): string;
  /** `openssl <args>` in the directory; returns stdout. */
  run(args: readonly string[]): string;
  close(): void;
}

export const CA_EXTENSIONS = [
  'basicConstraints=critical,CA:TRUE',
  'keyUsage=critical,keyCertSign,cRLSign',
  'subjectKeyIdentifier=hash',
  'authorityKeyIdentifier=keyid:always',
] as const;

export const USER_IDENTIFICATION_EXTENSIONS = [
  'keyUsage=critical,digitalSignature',
  'extendedKeyUsage=clientAuth',
  'subjectKeyIdentifier=hash',
  'authorityKeyIdentifier=keyid:always',
] as const;

export function opensslVersion(): string {
  try {
    return execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('the openssl CLI is required for these tests (Debian: apt-get install openssl)');
  }
}

export function createOpensslPki(): OpensslPki {
  opensslVersion();
  const dir = mkdtempSync(join(tmpdir(), 'tsunagi-openssl-'));
  const path = (file: string) => join(dir, file);
  const run = (args: readonly string[]) =>
    execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  const issue = (name: string, spec: OpensslIssue): OpensslCertificate => {
    const keyFile = spec.keyOf?.keyFile ?? path(`${name}.key`);
    if (!spec.keyOf)
      run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', keyFile]);
    const config = path(`${name}.cnf`);
    writeFileSync(config, `[req]\ndistinguished_name=dn\n[dn]\n[ext]\n${spec.extensions.join('\n')}\n`);
    const pemFile = path(`${name}.pem`);
    const common = ['-days', String(spec.days ?? 365), '-sha256', '-set_serial', `0x${randomSerial()}`];
    if (!spec.issuer) {
      run(
        ['req', '-new', '-x509', '-key', keyFile, '-subj', spec.subject, '-config', config].concat(
          ['-extensions', 'ext', '-out', pemFile],
          common,
        ),
      );
    } else {
      const csr = path(`${name}.csr`);
      run(['req', '-new', '-key', keyFile, '-subj', spec.subject, '-config', config, '-out', csr]);
      run(
        ['x509', '-req', '-in', csr, '-CA', spec.issuer.pemFile, '-CAkey', spec.issuer.keyFile].concat(
          ['-extfile', config, '-extensions', 'ext', '-out', pemFile],
          common,
        ),
      );
    }
    return { name, pemFile, keyFile, pem: readFileSync(pemFile, 'utf8') };
  };

  const crl = (issuer: OpensslCertificate, revoked: readonly OpensslCertificate[]): string => {
    const base = path(`${issuer.name}-ca`);
    writeFileSync(`${base}.index`, '');
    writeFileSync(`${base}.crlnumber`, '01\n');
    const config = `${base}.cnf`;
    writeFileSync(
      config,
      [
        '[ca]',
        'default_ca=ca_default',
        '[ca_default]',
        `database=${base}.index`,
        `crlnumber=${base}.crlnumber`,
        'default_md=sha256',
        'default_crl_days=1',
        'crl_extensions=crl_ext',
        '[crl_ext]',
        'authorityKeyIdentifier=keyid:always',
        '',
      ].join('\n'),
    );
    const ca = ['-config', config, '-keyfile', issuer.keyFile, '-cert', issuer.pemFile];
    for (const certificate of revoked)
      run(['ca', ...ca, '-revoke', certificate.pemFile, '-crl_reason', 'keyCompromise']);
    const out = `${base}.crl.pem`;
    run(['ca', ...ca, '-gencrl', '-out', out]);
    return readFileSync(out, 'utf8');
  };

  return { dir, issue, crl, run, close: () => rmSync(dir, { recursive: true, force: true }) };
}

import { type Agent, request as httpsRequest } from 'node:https';
import { issueCertificate } from '../../jpki/testing/pki/certificate-builder.js';
import { issueCrl } from '../../jpki/testing/pki/crl-builder.js';
import { randomSerial } from '../../jpki/testing/pki/index.js';
import { exportPrivateKeyDer, generateRsaKeys } from '../../jpki/testing/pki/keys.js';

/** RFC 5280 §4.2.1.12 key purposes: agency certificates are clientAuth, the gateway's serverAuth. */
const PURPOSES = { client: ['1.3.6.1.5.5.7.3.2'], server: ['1.3.6.1.5.5.7.3.1'], none: [] } as const;

/** Test-only: an agency CA made in memory at test time (never written to the repository). */
const pem = (label: string, der: Uint8Array) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim()}\n-----END ${label}-----\n`;

const DAY = 86_400_000;
const subject = (cn: string) => [['2.5.4.10', 'Tsunagi Test Agencies'] as const, ['2.5.4.3', cn] as const];

export interface ClientIdentity {
  cert: string;
  key: string;
  serial: string;
}

export async function createAgencyPki() {
  const now = Date.now();
  const caKeys = await generateRsaKeys();
  const otherKeys = await generateRsaKeys();
  const validity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) };
  const ca = await issueCertificate({
    serialNumber: randomSerial(),
    subject: subject('Test Agency CA'),
    keys: caKeys,
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign'],
    ...validity,
  });
  const other = await issueCertificate({
    serialNumber: randomSerial(),
    subject: subject('Unknown CA'),
    keys: otherKeys,
    ca: true,
    keyUsage: ['keyCertSign', 'cRLSign'],
    ...validity,
  });
  const signer = { certificate: ca.certificate, privateKey: caKeys.privateKey };

  /**
   * A certificate for `cn`: by default an agency client certificate (extendedKeyUsage clientAuth)
   * from the agency CA; `selfSigned` makes one signed by its own key (anyone can make one).
   */
  async function issue(
    cn: string,
    options: {
      expired?: boolean;
      byUnknownCa?: boolean;
      selfSigned?: boolean;
      purpose?: keyof typeof PURPOSES;
    } = {},
  ): Promise<ClientIdentity> {
    const keys = await generateRsaKeys();
    const serialNumber = randomSerial();
    const issued = await issueCertificate({
      serialNumber,
      subject: subject(cn),
      keys,
      ...(options.selfSigned
        ? {}
        : {
            issuer: options.byUnknownCa
              ? { certificate: other.certificate, privateKey: otherKeys.privateKey }
              : signer,
          }),
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extKeyUsage: PURPOSES[options.purpose ?? 'client'],
      ...(options.expired
        ? { notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) }
        : validity),
    });
    return {
      cert: pem('CERTIFICATE', issued.der),
      key: pem('PRIVATE KEY', await exportPrivateKeyDer(keys.privateKey)),
      serial: serialNumber,
    };
  }

  return {
    caPem: pem('CERTIFICATE', ca.der),
    caDer: ca.der,
    /** The server certificate (serverAuth); clients pin the CA and skip the host name check. */
    server: await issue('localhost', { purpose: 'server' }),
    issue,
    crl: async (serials: readonly string[]) =>
      pem(
        'X509 CRL',
        await issueCrl({
          issuer: signer,
          entries: serials.map((serialNumber) => ({
            serialNumber,
            revokedAt: new Date(now - 1000),
            reason: 'keyCompromise' as const,
          })),
          thisUpdate: new Date(now - DAY / 2),
          nextUpdate: new Date(now + DAY),
        }),
      ),
  };
}
export type AgencyPki = Awaited<ReturnType<typeof createAgencyPki>>;

export interface HttpAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
  body: any;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One HTTPS request with (or without) a client certificate; a fresh connection each time. `body` is
 * sent as JSON; `raw` sends bytes as they are under the given content type.
 */
export function call(
  url: string,
  options: {
    method?: string;
    body?: unknown;
    raw?: { contentType: string; bytes: string | Buffer };
    client?: ClientIdentity;
    ca: string;
    agent?: Agent;
    headers?: Record<string, string>;
  },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload =
      options.raw?.bytes ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const contentType = options.raw?.contentType ?? 'application/json';
    const req = httpsRequest(
      url,
      {
        method: options.method ?? (payload ? 'POST' : 'GET'),
        ca: options.ca,
        ...(options.client ? { cert: options.client.cert, key: options.client.key } : {}),
        agent: options.agent ?? false,
        checkServerIdentity: () => undefined,
        headers: {
          ...options.headers,
          ...(payload ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, body, text, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

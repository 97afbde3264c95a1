import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GatewayFixture,
  gatewayFixture,
  pemFiles,
  tls12Connection,
  trailRecords,
} from './testing/test-gateway.js';
import { type AgencyPki, type ClientIdentity, call } from './testing/tls.js';

const CLIENT = new URL('../tests/support/tls12-renegotiating-client.py', import.meta.url).pathname;

/** One raw HTTP/1.1 inquiry, kept alive, as the tools below send it. */
const rawInquiry = (agencyCode: string, officeWork: string, item: string): string => {
  const body = JSON.stringify({ agencyCode, officeWork, items: [item] });
  return `POST /v1/inquiries HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
};

/** Resolves with everything the process printed once it exits, or kills it after `ms`. */
async function finished(child: ChildProcess, ms: number): Promise<{ out: string; exited: boolean }> {
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const timer = setTimeout(() => child.kill(), ms);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  return { out, exited: code !== null };
}

const until = async (condition: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return condition();
};

describe('an agency cannot switch identity by TLS renegotiation', () => {
  let gateway: GatewayFixture;
  let pki: AgencyPki;
  let helloWork: ClientIdentity;
  let jpsSelfSigned: ClientIdentity;
  let helloWorkAsks: string;
  let files: ReturnType<typeof pemFiles>['files'];
  let dir: string;

  beforeAll(async () => {
    gateway = await gatewayFixture('reneg');
    pki = gateway.pki;
    const codes = gateway.hub.codes;
    [helloWork, jpsSelfSigned] = await Promise.all([
      pki.issue('hello-work'),
      pki.issue('jps', { selfSigned: true }),
    ]);
    helloWorkAsks = rawInquiry(
      await codes.issueAgencyCode('hello-work', gateway.linkageId),
      'unemployment-benefit',
      'RESIDENT_RECORD',
    );
    ({ dir, files } = pemFiles({ ca: { cert: pki.caPem }, helloWork, jps: jpsSelfSigned }));
    writeFileSync(join(dir, 'hello-work.http'), helloWorkAsks);
    // The attacker is even given jps's code: only the connection's identity stands in the way.
    writeFileSync(
      join(dir, 'jps.http'),
      rawInquiry(
        await codes.issueAgencyCode('jps', gateway.linkageId),
        'pension-benefit-payment',
        'BASIC_FOUR_INFORMATION',
      ),
    );
  });

  afterAll(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** openssl s_client with hello-work's certificate; `seen` collects its stdout and stderr. */
  function sClient(version: '-tls1_2' | '-tls1_3') {
    const { helloWork: client, ca } = files;
    const child = spawn('openssl', [
      's_client',
      '-connect',
      `127.0.0.1:${gateway.port}`,
      version,
      '-cert',
      client?.cert ?? '',
      '-key',
      client?.key ?? '',
      '-CAfile',
      ca?.cert ?? '',
    ]);
    const result = finished(child, 20_000);
    const output = { seen: '' };
    // s_client prints answers on stdout and its own notes (RENEGOTIATING, KEYUPDATE) on stderr.
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (chunk: Buffer) => {
        output.seen += chunk.toString('utf8');
      });
    return { child, result, output };
  }

  const requesters = async () =>
    (await trailRecords(gateway.kafka, gateway.wire, gateway.trailTopic)).map((r) => r.data.requester);

  it('answers hello-work, then drops the connection when it renegotiates with a self-signed CN=jps certificate: nothing is answered or recorded as jps', async () => {
    const { stdout } = await promisify(execFile)(
      'python3',
      [
        CLIENT,
        '127.0.0.1',
        String(gateway.port),
        files.ca?.cert ?? '',
        files.helloWork?.cert ?? '',
        files.helloWork?.key ?? '',
        files.jps?.cert ?? '',
        files.jps?.key ?? '',
        join(dir, 'hello-work.http'),
        join(dir, 'jps.http'),
      ],
      { timeout: 30_000 },
    );
    const steps = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { step: string; ok: boolean; response?: string })
        .map((step) => [step.step, step]),
    );
    expect(steps.handshake?.ok).toBe(true);
    expect(steps.first?.response).toMatch(/^HTTP\/1\.1 200 /);
    expect(steps.first?.response).toContain('"outcome":"DISCLOSED"');
    expect(steps.renegotiate?.ok).toBe(false);
    expect(steps['after-renegotiation']).toMatchObject({ ok: false });
    expect(steps['after-renegotiation']?.response).toBeUndefined();
    const recorded = await requesters();
    expect(recorded).toContain('hello-work');
    expect(recorded).not.toContain('jps');
  });

  it("closes a TLS 1.2 connection whose client calls node's renegotiate(), after answering it once", async () => {
    const socket = tls12Connection(gateway.port, pki.caPem, helloWork);
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
    });
    await once(socket, 'secureConnect');
    expect(socket.getProtocol()).toBe('TLSv1.2');
    socket.write(helloWorkAsks);
    expect(await until(() => received.includes('"outcome":"DISCLOSED"'))).toBe(true);
    const answered = received.length;
    socket.renegotiate({ rejectUnauthorized: true }, () => undefined);
    expect(await until(() => socket.destroyed)).toBe(true);
    expect(received.length).toBe(answered);
  });

  it.each(['TLSv1.2', 'TLSv1.3'] as const)(
    'answers a resumed %s session as the agency that authenticated it (the handshake is not repeated)',
    async (version) => {
      const ask = async (session?: Buffer) => {
        const socket = connect({
          host: '127.0.0.1',
          port: gateway.port,
          ca: pki.caPem,
          cert: helloWork.cert,
          key: helloWork.key,
          minVersion: version,
          maxVersion: version,
          checkServerIdentity: () => undefined,
          ...(session ? { session } : {}),
        });
        let ticket: Buffer | undefined;
        socket.on('session', (value: Buffer) => {
          ticket = value;
        });
        let received = '';
        socket.on('data', (chunk: Buffer) => {
          received += chunk.toString('utf8');
        });
        await once(socket, 'secureConnect');
        socket.write(helloWorkAsks);
        const answered = await until(() => received.includes('"outcome":"DISCLOSED"'));
        const reused = socket.isSessionReused();
        socket.destroy();
        return { answered, reused, ticket };
      };
      const first = await ask();
      expect(first).toMatchObject({ answered: true, reused: false });
      expect(first.ticket).toBeDefined();
      expect(await ask(first.ticket)).toMatchObject({ answered: true, reused: true });
    },
  );

  it('closes the connection when openssl s_client -tls1_2 renegotiates (R)', async () => {
    const { child, result, output } = sClient('-tls1_2');
    expect(await until(() => output.seen.includes('CONNECTED'))).toBe(true);
    child.stdin.write(helloWorkAsks);
    expect(await until(() => output.seen.includes('"outcome":"DISCLOSED"'))).toBe(true);
    child.stdin.write('R\n');
    // The gateway closes the connection: s_client exits by itself, with no second answer.
    const { out, exited } = await result;
    expect(exited).toBe(true);
    expect(out).toContain('RENEGOTIATING');
    expect(out.split('RENEGOTIATING')[1]).not.toContain('HTTP/1.1');
  });

  it('keeps a TLS 1.3 connection through key updates (k), which are not renegotiation', async () => {
    const { child, result, output } = sClient('-tls1_3');
    const answers = () => output.seen.split('"outcome":"DISCLOSED"').length - 1;
    expect(await until(() => output.seen.includes('CONNECTED'))).toBe(true);
    child.stdin.write(helloWorkAsks);
    expect(await until(() => answers() === 1)).toBe(true);
    child.stdin.write('k\n');
    expect(await until(() => output.seen.includes('KEYUPDATE'))).toBe(true);
    child.stdin.write(helloWorkAsks);
    expect(await until(() => answers() === 2)).toBe(true);
    child.stdin.end();
    await result;
  });

  it.each([
    '/docs/../v1/inquiries',
    '/v1/resident/%2e%2e/inquiries',
    '/healthz/../v1/inquiries',
    '//v1/inquiries',
  ])('needs an agency for %s whatever open route its spelling suggests', async (path) => {
    const socket = connect({
      host: '127.0.0.1',
      port: gateway.port,
      ca: pki.caPem,
      checkServerIdentity: () => undefined,
    });
    await once(socket, 'secureConnect');
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
    });
    socket.write(
      `${helloWorkAsks.replace('/v1/inquiries', path).replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n')}`,
    );
    await once(socket, 'close');
    expect(received).toMatch(/^HTTP\/1\.1 401 /);
    expect(received).toContain('"reason":"CERTIFICATE_MISSING"');
  });

  it.each([
    ['an expired agency certificate', 'expired', 'CERTIFICATE_EXPIRED'],
    ['a self-signed certificate with CN=jps', 'self-signed', 'CERTIFICATE_UNTRUSTED'],
    ["the gateway's own server certificate (serverAuth only)", 'server', 'CERTIFICATE_PURPOSE_INVALID'],
    ['an agency CA certificate without extendedKeyUsage', 'no-purpose', 'CERTIFICATE_PURPOSE_INVALID'],
  ] as const)('never authenticates %s (401 %s)', async (_name, kind, reason) => {
    const client =
      kind === 'expired'
        ? await pki.issue('jps', { expired: true })
        : kind === 'self-signed'
          ? jpsSelfSigned
          : kind === 'server'
            ? pki.server
            : await pki.issue('jps', { purpose: 'none' });
    const answer = await call(`${gateway.url}/v1/inquiries`, {
      body: {
        agencyCode: 'AC1-any',
        officeWork: 'pension-benefit-payment',
        items: ['BASIC_FOUR_INFORMATION'],
      },
      client,
      ca: pki.caPem,
    });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      code: 'UNAUTHENTICATED',
      message: `client certificate refused: ${reason}`,
      path: '/v1/inquiries',
      reason,
    });
    expect(await requesters()).not.toContain('jps');
  });
});

import { once } from 'node:events';
import { type Socket, connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from './security-headers.js';
import type { ConnectionLimits } from './settings.js';
import { type GatewayFixture, gatewayFixture } from './testing/test-gateway.js';
import type { ClientIdentity } from './testing/tls.js';

/** Small bounds so the test is quick; the defaults are seconds (settings.ts). */
const LIMITS: ConnectionLimits = {
  headersTimeoutMs: 1_000,
  requestTimeoutMs: 3_000,
  keepAliveTimeoutMs: 1_000,
  tlsHandshakeTimeoutMs: 1_000,
  maxHeaderBytes: 4_096,
};
/** How long the test waits for the server to close: generous, since only closing is asserted. */
const PATIENCE_MS = 20_000;

interface Watched {
  socket: Socket;
  received: () => string;
  closed: Promise<boolean>;
}

/** Records what the server sends and whether it closes the connection within PATIENCE_MS. */
function watch(socket: Socket): Watched {
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('utf8');
  });
  socket.on('error', () => undefined);
  const closed = Promise.race([
    once(socket, 'close').then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), PATIENCE_MS).unref()),
  ]);
  return { socket, received: () => received, closed };
}

describe('slow clients are cut off at the configured bounds', () => {
  let gateway: GatewayFixture;
  let agency: ClientIdentity;
  const opened: Socket[] = [];

  beforeAll(async () => {
    gateway = await gatewayFixture('slow', { limits: { connectionLimits: LIMITS } });
    agency = await gateway.pki.issue('hello-work');
  });

  afterAll(async () => {
    for (const socket of opened) socket.destroy();
    await gateway?.close();
  });

  async function tlsClient(): Promise<Watched> {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: gateway.port,
      ca: gateway.pki.caPem,
      cert: agency.cert,
      key: agency.key,
      checkServerIdentity: () => undefined,
    });
    opened.push(socket);
    const watched = watch(socket);
    await once(socket, 'secureConnect');
    return watched;
  }

  const answerOf = (text: string) => {
    const [head = '', body = ''] = text.split('\r\n\r\n');
    return {
      status: Number(head.split(' ')[1]),
      head: head.toLowerCase(),
      body: body ? JSON.parse(body) : undefined,
    };
  };

  it('closes connections that never finish their headers, answering 408 REQUEST_TIMEOUT', async () => {
    const clients = await Promise.all(Array.from({ length: 10 }, () => tlsClient()));
    const trickles = clients.map(({ socket }, i) => {
      // Half send nothing after the handshake; half keep adding header lines and never end them.
      if (i % 2 === 0) return undefined;
      socket.write('POST /v1/inquiries HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      return setInterval(() => socket.writable && socket.write(`X-Slow-${i}: still coming\r\n`), 300);
    });
    const closed = await Promise.all(clients.map((c) => c.closed));
    for (const timer of trickles) clearInterval(timer);
    expect(closed).toEqual(clients.map(() => true));
    for (const client of clients) {
      const answer = answerOf(client.received());
      expect(answer.status).toBe(408);
      expect(answer.body).toEqual({
        code: 'REQUEST_TIMEOUT',
        message: 'the request (headers and body) was not received in time; the connection is closed',
        path: 'request',
      });
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        expect(answer.head).toContain(`${name}: ${value}`.toLowerCase());
    }
  });

  it('closes connections that trickle a body one byte every 2 s, answering 408', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => tlsClient()));
    const timers = clients.map(({ socket }) => {
      socket.write(
        'POST /v1/inquiries HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
      );
      return setInterval(() => socket.writable && socket.write(' '), 2_000);
    });
    const closed = await Promise.all(clients.map((c) => c.closed));
    for (const timer of timers) clearInterval(timer);
    expect(closed).toEqual(clients.map(() => true));
    for (const client of clients) expect(answerOf(client.received()).status).toBe(408);
  });

  it('closes TCP connections that never start the TLS handshake', async () => {
    const clients = Array.from({ length: 5 }, () => {
      const socket = tcpConnect(gateway.port, '127.0.0.1');
      opened.push(socket);
      return watch(socket);
    });
    expect(await Promise.all(clients.map((c) => c.closed))).toEqual(clients.map(() => true));
    for (const client of clients) expect(client.received()).toBe('');
  });

  it('closes an idle keep-alive connection after its answer', async () => {
    const client = await tlsClient();
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(await client.closed).toBe(true);
    expect(answerOf(client.received()).status).toBe(200);
  });

  it('answers 431 to headers larger than the configured maximum and closes', async () => {
    const client = await tlsClient();
    client.socket.write(
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(LIMITS.maxHeaderBytes)}\r\n\r\n`,
    );
    expect(await client.closed).toBe(true);
    const answer = answerOf(client.received());
    expect(answer.status).toBe(431);
    expect(answer.body).toEqual({
      code: 'INPUT_INVALID',
      message: `request headers exceed ${LIMITS.maxHeaderBytes} bytes`,
      path: 'headers',
    });
  });
});

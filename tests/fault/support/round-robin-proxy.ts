import { createServer, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A load balancer as simple as they come: a TCP passthrough on loopback that hands each new client
 * connection to the next backend in turn. It never looks inside, so mutual TLS stays end to end
 * between the agency and the gateway instance. A backend whose connect fails (a killed instance:
 * refused) is skipped for that connection and the next one is tried; only when every backend
 * refuses is the client's connection closed.
 */
export interface RoundRobinProxy {
  port: number;
  /** Client connections handed to each backend, in the order of `backends`. */
  readonly connections: readonly number[];
  /** Connects that failed and made the proxy try the next backend. */
  readonly skipped: number;
  /** Client connections closed because no backend accepted them. */
  readonly dropped: number;
  close(): Promise<void>;
}

export async function startRoundRobinProxy(backends: readonly number[]): Promise<RoundRobinProxy> {
  const connections = backends.map(() => 0);
  const open = new Set<Socket>();
  let next = 0;
  let skipped = 0;
  let dropped = 0;

  const server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    const first = next;
    next = (next + 1) % backends.length;
    const attempt = (tried: number): void => {
      if (tried === backends.length || client.destroyed) {
        dropped += 1;
        client.destroy();
        return;
      }
      const index = (first + tried) % backends.length;
      const backend = tcpConnect({ host: '127.0.0.1', port: backends[index] as number });
      backend.once('error', () => {
        skipped += 1;
        backend.destroy();
        attempt(tried + 1);
      });
      backend.once('connect', () => {
        connections[index] = (connections[index] ?? 0) + 1;
        open.add(backend);
        backend.removeAllListeners('error');
        // From here on either side failing or closing ends both: a killed backend resets its clients.
        backend.on('error', () => client.destroy());
        backend.on('close', () => {
          open.delete(backend);
          client.destroy();
        });
        client.on('close', () => backend.destroy());
        client.pipe(backend);
        backend.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP port');

  return {
    port: address.port,
    connections,
    get skipped() {
      return skipped;
    },
    get dropped() {
      return dropped;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

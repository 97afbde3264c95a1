import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * The load generator of B1, run as its own process (`node --import tsx bench/b1/load-client.ts SPEC`):
 * autocannon with keep-alive connections over mutual TLS, each presenting the agency's client
 * certificate, request bodies taken in turn from the spec. Prints one JSON line with the figures.
 * autocannon does not check the server's certificate (it forces rejectUnauthorized: false); the
 * server checks ours, which is what the benchmark needs.
 */
export interface LoadSpec {
  toolsDir: string;
  url: string;
  connections: number;
  durationSeconds: number;
  tls: { ca: string; cert: string; key: string };
  /** JSON bodies sent in turn; none: GET. */
  bodies: string[];
}

export interface LoadResult {
  connections: number;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU seconds this load process used: its share of the machine. */
  cpuSeconds: number;
}

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as LoadSpec;
  const autocannon = createRequire(join(spec.toolsDir, 'node_modules', 'x.js'))('autocannon');
  let next = 0;
  const before = process.cpuUsage();
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    tlsOptions: spec.tls,
    requests: [
      spec.bodies.length > 0
        ? {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request: Record<string, unknown>) => {
              request.body = spec.bodies[next++ % spec.bodies.length];
              return request;
            },
          }
        : { method: 'GET' },
    ],
  });
  const used = process.cpuUsage(before);
  const out: LoadResult = {
    connections: spec.connections,
    requests: result.requests.total,
    perSecond: Math.round(result.requests.total / (result.duration || spec.durationSeconds)),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    cpuSeconds: Math.round((used.user + used.system) / 1e4) / 100,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

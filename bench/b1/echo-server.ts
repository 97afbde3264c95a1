import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

/**
 * B1's first baseline, as its own process: a bare fastify route over the same mutual TLS as the
 * gateway (same server certificate and agency CA; the client certificate is required and checked by
 * OpenSSL), answering the posted body. `node --import tsx bench/b1/echo-server.ts PORT CERT KEY CA`.
 */
const [port, cert, key, ca] = process.argv.slice(2) as [string, string, string, string];
const app = Fastify({
  https: {
    cert: readFileSync(cert),
    key: readFileSync(key),
    ca: readFileSync(ca),
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
  },
});
app.post('/echo', async (request) => request.body);
await app.listen({ host: '127.0.0.1', port: Number(port) });
process.stdout.write('echo listening\n');
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));

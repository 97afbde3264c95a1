import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gatewayPort } from '../infra/app-services.js';
import { infraPaths } from '../infra/paths.js';
import { loadInfraConfig } from '../platform/config.js';
import { demoPkiDir } from './demo-pki.js';
import { signInAtGateway } from './demo-sign-in.js';

/**
 * `npx tsx scripts/resident-sign-in.ts [card-dir] [--url https://…] [--ca gateway-ca.pem]`
 * Signs a demo card (a directory with certificate.pem and private-key.pem, as `npm start` writes
 * them) in at the gateway and prints the answer: the session token, its expiry and the portal PPID.
 * Defaults: card-1 of the demo, the local gateway, and the demo CA that issued its TLS certificate.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { url: { type: 'string' }, ca: { type: 'string' } },
});
const config = loadInfraConfig();
const data = infraPaths(config.home).data('demo');
const dir = positionals[0] ?? join(data, 'jpki', 'card-1');
const answer = await signInAtGateway(
  { certificateFile: join(dir, 'certificate.pem'), keyFile: join(dir, 'private-key.pem') },
  {
    url: values.url ?? `https://127.0.0.1:${gatewayPort()}`,
    ca: readFileSync(values.ca ?? join(demoPkiDir(config), 'agency-ca.pem'), 'utf8'),
  },
);
process.stdout.write(`HTTP ${answer.status}\n${JSON.stringify(answer.body, null, 2)}\n`);
process.exitCode = answer.status === 200 ? 0 : 1;

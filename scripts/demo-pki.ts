import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAgencyPki } from '../gateway/testing/tls.js';
import { infraPaths } from '../infra/paths.js';
import type { InfraConfig } from '../platform/config.js';

/** Agencies the demo speaks for; each gets a client certificate from the demo agency CA. */
export const DEMO_AGENCIES = ['271004', 'hello-work'] as const;

/**
 * Where the demo PKI lives. `pki-v2`: agency certificates carry extendedKeyUsage clientAuth and the
 * gateway's serverAuth; the first demo PKI (`pki/`) had none, and the gateway refuses such clients.
 */
export const demoPkiDir = (config: Pick<InfraConfig, 'home'>): string =>
  join(infraPaths(config.home).data('demo'), 'pki-v2');

export interface DemoPki {
  dir: string;
  caFile: string;
  serverCert: string;
  serverKey: string;
  agency(id: (typeof DEMO_AGENCIES)[number]): { cert: string; key: string };
}

/**
 * A demo agency CA, the gateway's server certificate and agency client certificates, made
 * once into the git-ignored data dir (never committed). A real deployment gets these from
 * its own PKI: GATEWAY_TLS_CERT, GATEWAY_TLS_KEY, GATEWAY_AGENCY_CA (docs/gateway.md).
 */
export async function ensureDemoPki(config: Pick<InfraConfig, 'home'>): Promise<DemoPki> {
  const dir = demoPkiDir(config);
  const file = (name: string) => join(dir, name);
  if (!existsSync(file('complete'))) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pki = await createAgencyPki();
    writeFileSync(file('agency-ca.pem'), pki.caPem);
    writeFileSync(file('gateway.pem'), pki.server.cert);
    writeFileSync(file('gateway.key'), pki.server.key, { mode: 0o600 });
    for (const agency of DEMO_AGENCIES) {
      const client = await pki.issue(agency);
      writeFileSync(file(`${agency}.pem`), client.cert);
      writeFileSync(file(`${agency}.key`), client.key, { mode: 0o600 });
    }
    writeFileSync(file('complete'), '');
  }
  return {
    dir,
    caFile: file('agency-ca.pem'),
    serverCert: file('gateway.pem'),
    serverKey: file('gateway.key'),
    agency: (id) => ({
      cert: readFileSync(file(`${id}.pem`), 'utf8'),
      key: readFileSync(file(`${id}.key`), 'utf8'),
    }),
  };
}

/** Gateway TLS settings: the operator's own when set, else the demo PKI's. */
export async function gatewayTlsEnv(
  config: Pick<InfraConfig, 'home'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<NodeJS.ProcessEnv> {
  if (env.GATEWAY_TLS_CERT && env.GATEWAY_TLS_KEY && env.GATEWAY_AGENCY_CA) return {};
  const pki = await ensureDemoPki(config);
  return { GATEWAY_TLS_CERT: pki.serverCert, GATEWAY_TLS_KEY: pki.serverKey, GATEWAY_AGENCY_CA: pki.caFile };
}

import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CheckpointMemory,
  checkCheckpoint,
  type HistoryEntry,
  verifyEntry,
} from '../gateway/resident/page/verification.js';
import { call } from '../gateway/testing/tls.js';
import { gatewayPort } from '../infra/app-services.js';
import type { InfraConfig } from '../platform/config.js';
import { ensureDemoJpki } from './demo-jpki.js';
import { ensureDemoPki } from './demo-pki.js';
import { signInAtGateway } from './demo-sign-in.js';

export interface DemoPageReport {
  url: string;
  entries: number;
  verified: number;
  checkpointSize: number;
}

const memory = (): CheckpointMemory => {
  const items = new Map<string, string>();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
};

/**
 * The resident page after the demo: waits (≤ 30 s) until a signed checkpoint covers the trail up to
 * `coverIndex` (the demo inquiries), signs card 1 in, and checks its history exactly as the page does
 * (gateway/resident/page/verification.ts), so `npm start` can say how many entries a person signing
 * in will see marked verified. Prints the page's address, the card files and how to sign in.
 */
export async function demoResidentPage(
  config: InfraConfig,
  coverIndex: number,
  port = gatewayPort(),
): Promise<DemoPageReport> {
  const url = `https://127.0.0.1:${port}`;
  const pki = await ensureDemoPki(config);
  const ca = readFileSync(pki.caFile, 'utf8');
  const jpki = await ensureDemoJpki(config);
  let size = 0;
  for (let waited = 0; waited <= 30_000 && size <= coverIndex; waited += 500) {
    const answer = await call(`${url}/v1/trail/checkpoint`, { ca });
    size = answer.status === 200 ? Number(String(answer.body).split('\n')[1]) : 0;
    if (size <= coverIndex) await sleep(500);
  }
  const [card] = jpki.cards;
  if (!card) throw new Error('no demo card');
  const signedIn = await signInAtGateway(card, { url, ca });
  const token = String(signedIn.body.token ?? '');
  const headers = { authorization: `Bearer ${token}` };
  const history = (await call(`${url}/v1/resident/history?limit=100`, { ca, headers })).body as {
    entries: HistoryEntry[];
    checkpoint: string | null;
    residentKey: string;
  };
  const keyText = String((await call(`${url}/v1/trail/verifier-key`, { ca })).body);
  const checkpoint = await checkCheckpoint(
    keyText,
    history.checkpoint,
    async (size1, size2) =>
      (await call(`${url}/v1/trail/proofs/consistency?size1=${size1}&size2=${size2}`, { ca })).body,
    memory(),
  );
  const verdicts = await Promise.all(
    (history.entries ?? []).map((entry) => verifyEntry(entry, checkpoint, history.residentKey)),
  );
  await call(`${url}/v1/resident/sign-out`, { ca, method: 'POST', headers });
  const report = {
    url: `${url}/resident/`,
    entries: verdicts.length,
    verified: verdicts.filter((v) => v.kind === 'verified').length,
    checkpointSize: size,
  };
  console.log(`  resident page: ${report.url}`);
  console.log(
    `  card-1 sees ${report.entries} access(es) about them, ${report.verified} verified against the signed checkpoint of size ${size} (checked as the page checks them)`,
  );
  console.log(`  log verifier key (compare with the page): ${keyText.trim()}`);
  console.log(
    `  to sign in: open the page, choose ${card.certificateFile} and ${card.keyFile}; the key signs in the page and is never sent`,
  );
  console.log(
    `  the demo gateway's TLS certificate is from the demo agency CA (${pki.caFile}): trust it in the browser, or accept the warning`,
  );
  return report;
}

import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openIdentityHub } from '../../../identity/identity-hub.js';
import { generateExports } from '../../../producers/synthetic/generate.js';
import { projectionStoreRoot, readProjectionSettings } from '../../../projections/catalogue.js';
import { openProjectionViews } from '../../../projections/views.js';
import { ensureDemoPki } from '../../../scripts/demo-pki.js';
import type { FaultSystem } from './fault-system.js';

type Agency = '271004' | 'hello-work';

/** One inquiry the load sends: a permitted question about one resident, by the agency's own code. */
export interface InquiryTarget {
  agency: Agency;
  body: Record<string, unknown>;
}

/** An answer as the agency received it (the audit line reconcile reads), or the failure instead. */
export interface Receipt {
  agency: Agency;
  sentAt: number;
  receivedAt: number;
  /** HTTP status, or 0 when no answer came (connection refused or reset, client timeout). */
  status: number;
  code?: string;
  inquiryId?: string;
  correlationId?: string;
  error?: string;
  /** True when the body carried disclosed data. */
  disclosedData: boolean;
  items: Array<{
    outcome: string;
    digest: string | null;
    trail: { topic: string; partition: number; offset: string };
  }>;
}

/**
 * Residents to ask about: a small synthetic population ingested through `npm run ingest` (resident
 * records and local-tax income), each with an agency code for two agencies whose questions the
 * legal-basis table permits: Osaka (271004) for nursing-care premiums (local-tax income) and Hello
 * Work for unemployment benefit (the resident record).
 */
export async function prepareInquiries(system: FaultSystem, residents: number): Promise<InquiryTarget[]> {
  const outDir = join(system.config.home, 'inquiry-exports');
  const manifest = await generateExports({ seed: 7, residents, outDir, format: 'csv' });
  for (const source of ['juki', 'local-tax'] as const) {
    const run = await system.cli('producers/cli.ts', [
      '--system',
      source,
      join(outDir, manifest.files[source].file),
    ]);
    if (run.code !== 0) throw new Error(`ingest of ${source} failed: ${run.stderr.slice(-500)}`);
  }
  const myNumbers = [
    ...new Set(
      [...readFileSync(join(outDir, manifest.files.juki.file), 'utf8').matchAll(/\n[^,\n]*,(\d{12}),/g)].map(
        (m) => m[1] as string,
      ),
    ),
  ];
  const identity = await openIdentityHub(system.config, system.logger);
  const views = openProjectionViews({
    storeRoot: projectionStoreRoot(system.config, readProjectionSettings({})),
  });
  const targets: InquiryTarget[] = [];
  try {
    for (let waited = 0; waited < 120_000 && targets.length === 0; waited += 1000) {
      for (const myNumber of myNumbers) {
        const linkageId = await identity.vault.lookup(myNumber);
        if (!linkageId) continue;
        const record = views.residentRecord(linkageId);
        const item = views.itemsOf(linkageId).latest.find((i) => i.itemKind === 'LOCAL_TAX_INCOME');
        if (record?.status !== 'RESIDENT' || !record.currentMunicipality || !item) continue;
        targets.push({
          agency: '271004',
          body: {
            agencyCode: await identity.codes.issueAgencyCode('271004', linkageId),
            officeWork: 'nursing-care-insurance-premium',
            items: ['LOCAL_TAX_INCOME'],
            provider: item.provider,
          },
        });
        targets.push({
          agency: 'hello-work',
          body: {
            agencyCode: await identity.codes.issueAgencyCode('hello-work', linkageId),
            officeWork: 'unemployment-benefit',
            items: ['RESIDENT_RECORD'],
          },
        });
      }
      if (targets.length === 0) await sleep(1000);
    }
  } finally {
    await views.close();
    await identity.close();
  }
  if (targets.length === 0) throw new Error('no resident with a record and local-tax income in the views');
  return targets;
}

/** One inquiry over mutual TLS, keep-alive, with a client-side deadline. */
function ask(
  url: string,
  target: InquiryTarget,
  tls: { ca: string; cert: string; key: string; agent: Agent },
  timeoutMs: number,
): Promise<Receipt> {
  const sentAt = Date.now();
  const payload = JSON.stringify(target.body);
  return new Promise((resolve) => {
    const failed = (error: string): void =>
      resolve({
        agency: target.agency,
        sentAt,
        receivedAt: Date.now(),
        status: 0,
        error,
        disclosedData: false,
        items: [],
      });
    const req = request(
      url,
      {
        method: 'POST',
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        agent: tls.agent,
        checkServerIdentity: () => undefined,
        timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (e) => failed(e.message));
        res.on('end', () => {
          // biome-ignore lint/suspicious/noExplicitAny: the answer is read field by field
          let body: any = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {}
          const items = Array.isArray(body.items) ? body.items : [];
          resolve({
            agency: target.agency,
            sentAt,
            receivedAt: Date.now(),
            status: res.statusCode ?? 0,
            code: body.code,
            inquiryId: body.inquiryId,
            correlationId: body.correlationId,
            disclosedData: items.some((i: { data?: unknown }) => i.data !== undefined),
            items: items.map((i: Receipt['items'][number]) => ({
              outcome: i.outcome,
              digest: i.digest,
              trail: i.trail,
            })),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (e) => failed(e.message));
    req.end(payload);
  });
}

export interface Load {
  /** Stops sending, waits for the answers in flight, and returns every receipt since the start. */
  stop(): Promise<Receipt[]>;
  readonly receipts: readonly Receipt[];
}

/**
 * Agencies inquiring at a steady rate (one request every 1000/rate ms, round robin over the targets,
 * at most `inFlight` waiting; a tick with too many waiting is skipped and counted), each agency on its
 * own keep-alive connections.
 */
export async function startLoad(
  system: FaultSystem,
  targets: readonly InquiryTarget[],
  options: {
    ratePerSecond: number;
    inFlight?: number;
    timeoutMs?: number;
    /** Default the system's gateway; e.g. a load balancer in front of its instances. */
    port?: number;
    /** Default true; false: a new connection (and TLS handshake) per inquiry. */
    keepAlive?: boolean;
  },
): Promise<Load> {
  const pki = await ensureDemoPki(system.config);
  const ca = readFileSync(pki.caFile, 'utf8');
  const agents = new Map<Agency, { ca: string; cert: string; key: string; agent: Agent }>(
    (['271004', 'hello-work'] as const).map((id) => [
      id,
      {
        ca,
        ...pki.agency(id),
        agent: new Agent({ keepAlive: options.keepAlive ?? true, maxSockets: options.inFlight ?? 16 }),
      },
    ]),
  );
  const url = `https://127.0.0.1:${options.port ?? system.gatewayPort}/v1/inquiries`;
  const receipts: Receipt[] = [];
  const pending = new Set<Promise<void>>();
  let next = 0;
  const timer = setInterval(() => {
    if (pending.size >= (options.inFlight ?? 16)) return;
    const target = targets[next++ % targets.length] as InquiryTarget;
    const sent = ask(url, target, agents.get(target.agency) as never, options.timeoutMs ?? 15_000).then(
      (r) => {
        receipts.push(r);
      },
    );
    pending.add(sent);
    void sent.finally(() => pending.delete(sent));
  }, 1000 / options.ratePerSecond);
  return {
    receipts,
    async stop() {
      clearInterval(timer);
      await Promise.all([...pending]);
      for (const { agent } of agents.values()) agent.destroy();
      return [...receipts];
    },
  };
}

/** The receipts as the agencies' audit of answers (JSON lines, no disclosed data) for `npm run reconcile`. */
export function writeAnswers(file: string, receipts: readonly Receipt[]): void {
  const lines = receipts
    .filter((r) => r.inquiryId !== undefined)
    .map((r) =>
      JSON.stringify({
        inquiryId: r.inquiryId,
        receivedAt: new Date(r.receivedAt).toISOString(),
        status: r.status,
        items: r.items,
      }),
    );
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Counts of statuses, e.g. `{ 200: 310, 503: 41, 0: 3 }`. */
export const statusCounts = (receipts: readonly Receipt[]): Record<number, number> =>
  receipts.reduce<Record<number, number>>((acc, r) => {
    acc[r.status] = (acc[r.status] ?? 0) + 1;
    return acc;
  }, {});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call } from '../gateway/testing/tls.js';
import { openIdentityHub } from '../identity/identity-hub.js';
import { kafkaServices } from '../infra/kafka.js';
import { runningPid } from '../infra/process.js';
import { type InfraConfig, loadInfraConfig } from '../platform/config.js';
import { createEventStore } from '../platform/event-store.js';
import { createEventWire } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import { projectionStoreRoot, readProjectionSettings } from '../projections/catalogue.js';
import { openProjectionViews } from '../projections/views.js';
import { Topics, topicName } from '../schemas/topics.js';
import { demoIngest } from '../scripts/demo-ingest.js';
import { ensureDemoPki, gatewayTlsEnv } from '../scripts/demo-pki.js';
import { demoResidents } from '../scripts/demo-resident.js';
import { freePort } from '../tests/support/free-port.js';
import { testDisclosure } from '../trail/log/testdata/disclosures.js';
import type { LoadResult, LoadSpec } from './b1/load-client.js';
import { rawProduce } from './b1/produce-baseline.js';
import { recorderAlone } from './b1/recorder-alone.js';
import { printed, runScript } from './harness/child.js';
import { benchMain } from './harness/main.js';
import type { BenchFigure } from './harness/report.js';
import { baseVersions } from './harness/report.js';
import { ratio } from './harness/stats.js';
import { cpuSecondsOf, openBenchSystem } from './harness/system.js';
import { AUTOCANNON_VERSION, ensureAutocannon } from './harness/tools.js';
import { viewsCaughtUp } from './harness/views-caught-up.js';

/**
 * B1 inquiries: the gateway as `npm start` runs it (its own process, projector beside it, isolated
 * home and topic prefix), driven by autocannon in its own process over keep-alive mutual-TLS
 * connections that present an agency client certificate. Every 200 is an answer whose trail record
 * was acknowledged with acks=all. Baselines in the same run: a bare fastify echo route over the same
 * mutual TLS, and raw kafkajs produce (acks=all) of a trail record as the gateway's principal.
 *   npm run bench -- b1   ·   npx tsx bench/b1-inquiries.ts [--seconds 10] [--residents 400] [--quick] [--profile]
 */
const CONCURRENCY = [1, 20, 100];
const AGENCY = '271004';
const OFFICE_WORK = 'nursing-care-insurance-premium';

benchMain(
  {
    benchmark: 'b1',
    title: 'inquiries answered after their trail record is acknowledged',
    options: {
      seconds: { default: '10' },
      residents: { default: '400' },
      'profile-seconds': { default: '15' },
    },
  },
  async ({ quick, profile, logger, stage, options }) => {
    const seconds = quick ? 1 : Number(options.seconds);
    const residents = quick ? 30 : Number(options.residents);
    const toolsDir = ensureAutocannon();
    const system = await openBenchSystem('b1', logger);
    const echo: { stop?: () => void } = {};
    try {
      const { config } = system;
      const port = await freePort();
      const tlsEnv = await gatewayTlsEnv(config, {});
      stage('starting projector and gateway (isolated home and topic prefix)');
      await system.start(['projector', 'gateway'], {
        ...tlsEnv,
        GATEWAY_PORT: String(port),
        PROJECTION_METRICS_PORT: '0',
        // Bench-only: the per-agency limit (600/min) would turn the load into 429s.
        GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000000',
      });
      stage(`ingesting synthetic exports of ${residents} residents`);
      await demoIngest(config, logger, residents);
      stage('issuing agency codes, waiting for the views');
      const bodies = await inquiryBodies(config, logger, Math.min(residents, 200));
      const pki = await ensureDemoPki(config);
      const tls = { ca: pki.caFile, ...pki.agency(AGENCY) };
      const caPem = readFileSync(pki.caFile, 'utf8');
      const check = await call(`https://127.0.0.1:${port}/v1/inquiries`, {
        ca: caPem,
        client: { ...pki.agency(AGENCY), serial: '' },
        body: JSON.parse(bodies[0] as string),
      });
      if (check.status !== 200 || check.body.items?.[0]?.trail === undefined)
        throw new Error(`the gateway did not disclose with a trail position: ${check.status} ${check.text}`);

      const echoPort = await freePort();
      const echoServer = runScript('bench/b1/echo-server.ts', [
        String(echoPort),
        tlsEnv.GATEWAY_TLS_CERT as string,
        tlsEnv.GATEWAY_TLS_KEY as string,
        pki.caFile,
      ]);
      echo.stop = () => echoServer.child.kill('SIGTERM');
      await printed(echoServer.child, 'echo listening');

      const specFile = join(config.home, 'load-spec.json');
      const tlsFiles = { ca: caPem, cert: tls.cert, key: tls.key };
      const load = async (url: string, connections: number, forSeconds: number, posted: string[]) => {
        const spec: LoadSpec = {
          toolsDir,
          url,
          connections,
          durationSeconds: forSeconds,
          tls: tlsFiles,
          bodies: posted,
        };
        writeFileSync(specFile, JSON.stringify(spec));
        return JSON.parse(await runScript('bench/b1/load-client.ts', [specFile]).done) as LoadResult;
      };
      const gatewayUrl = `https://127.0.0.1:${port}/v1/inquiries`;
      const echoUrl = `https://127.0.0.1:${echoPort}/echo`;
      await load(gatewayUrl, 20, quick ? 1 : 3, bodies); // warm-up: JIT, connections, producer
      await load(echoUrl, 20, quick ? 1 : 3, bodies);

      stage('measuring');
      const figures: BenchFigure[] = [];
      const cpu: BenchFigure[] = [];
      // Every Kafka node of the stack (one broker, or the three of a cluster), summed.
      const kafkaPids = kafkaServices(loadInfraConfig()).map((s) => runningPid(s.process));
      const kafkaCpu = (): number => kafkaPids.reduce<number>((sum, p) => sum + cpuSecondsOf(p), 0);
      /** CPU milliseconds per answered request of each process during one load run: robust to a shared machine. */
      const withCpu = async (server: string, pid: number | undefined, run: () => Promise<LoadResult>) => {
        const before = { server: cpuSecondsOf(pid), kafka: kafkaCpu() };
        const result = await run();
        const perRequest = (cpuSeconds: number) =>
          Math.round(((cpuSeconds * 1000) / Math.max(result.requests, 1)) * 1000) / 1000;
        cpu.push(
          {
            path: `${server}: CPU per request c=20`,
            value: perRequest(cpuSecondsOf(pid) - before.server),
            unit: 'ms',
          },
          {
            path: `${server}: Kafka broker CPU per request c=20`,
            value: perRequest(kafkaCpu() - before.kafka),
            unit: 'ms',
          },
          {
            path: `${server}: load generator CPU per request c=20`,
            value: perRequest(result.cpuSeconds),
            unit: 'ms',
          },
        );
        return result;
      };
      for (const c of CONCURRENCY) {
        const e =
          c === 20
            ? await withCpu('echo', echoServer.child.pid, () => load(echoUrl, c, seconds, bodies))
            : await load(echoUrl, c, seconds, bodies);
        const g =
          c === 20
            ? await withCpu('gateway', system.pid('gateway'), () => load(gatewayUrl, c, seconds, bodies))
            : await load(gatewayUrl, c, seconds, bodies);
        const errors = (r: LoadResult) =>
          r.non2xx + r.errors + r.timeouts > 0
            ? `${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`
            : undefined;
        figures.push({
          path: `echo c=${c}`,
          value: e.perSecond,
          unit: 'req/s',
          p50Ms: e.p50Ms,
          p99Ms: e.p99Ms,
          note: errors(e),
        });
        figures.push({
          path: `gateway inquiries c=${c}`,
          value: g.perSecond,
          unit: 'inquiries/s',
          p50Ms: g.p50Ms,
          p99Ms: g.p99Ms,
          baseline: `echo c=${c}`,
          ratio: ratio(g.perSecond, e.perSecond),
          ...(c === 20 ? { target: '≥ 0.5 × echo, p99 ≤ 25 ms' } : {}),
          note: errors(g),
        });
      }

      const trailTopic = topicName(config.TOPIC_PREFIX, Topics.accessTrail);
      const record = {
        topic: trailTopic,
        key: 'lnk_bench',
        value: await createEventWire(config).encode(testDisclosure(1)),
      };
      const gatewayKafka = createKafka(config, logger, { principal: 'gateway' });
      for (const c of CONCURRENCY) {
        const p = await rawProduce(gatewayKafka, record, c, seconds);
        figures.push({
          path: `raw produce acks=all c=${c}`,
          value: p.perSecond,
          unit: 'records/s',
          p50Ms: p.p50Ms,
          p99Ms: p.p99Ms,
        });
      }
      const store = createEventStore({
        kafka: gatewayKafka,
        wire: createEventWire(config),
        topicPrefix: config.TOPIC_PREFIX,
        logger,
      });
      for (const c of CONCURRENCY) {
        const r = await recorderAlone({ store, logger }, c, seconds);
        figures.push({
          path: `trail recorder alone c=${c}`,
          value: r.perSecond,
          unit: 'records/s',
          p50Ms: r.p50Ms,
          p99Ms: r.p99Ms,
          baseline: `raw produce acks=all c=${c}`,
          ratio: ratio(r.perSecond, figures.find((f) => f.path === `raw produce acks=all c=${c}`)?.value),
        });
      }
      await store.close();
      for (const c of CONCURRENCY) {
        const g = figures.find((f) => f.path === `gateway inquiries c=${c}`);
        const r = figures.find((f) => f.path === `trail recorder alone c=${c}`);
        if (g && r)
          figures.push({
            path: `gateway inquiries c=${c} vs recorder`,
            value: g.value,
            unit: 'inquiries/s',
            baseline: r.path,
            ratio: ratio(g.value, r.value),
          });
      }
      figures.push(...cpu);

      if (profile) stage('profiling the gateway at c=20');
      const profiles = profile
        ? await system.profile(['gateway'], () =>
            load(gatewayUrl, 20, Number(options['profile-seconds']), bodies),
          )
        : [];
      return {
        versions: { ...baseVersions(), autocannon: AUTOCANNON_VERSION },
        settings: {
          seconds,
          concurrency: CONCURRENCY,
          residents,
          distinctRequests: bodies.length,
          request: `POST /v1/inquiries, 1 item (LOCAL_TAX_INCOME) for ${OFFICE_WORK}, agency ${AGENCY}`,
          recordBytes: record.value.length,
          tls: 'TLS 1.3 keep-alive, RSA-2048 client and server certificates',
          gatewayLogLevel: process.env.LOG_LEVEL ?? 'info',
          rateLimit: 'raised for the bench',
        },
        figures,
        peakRssMiB: {
          gateway: system.peakRssMiB('gateway') ?? 0,
          projector: system.peakRssMiB('projector') ?? 0,
        },
        profiles,
      };
    } finally {
      echo.stop?.();
      await system.close();
    }
  },
);

/** One request body per resident (a fresh agency code each), once the views hold their item. */
async function inquiryBodies(config: InfraConfig, logger: Logger, count: number): Promise<string[]> {
  const identity = await openIdentityHub(config, logger);
  const views = openProjectionViews({ storeRoot: projectionStoreRoot(config, readProjectionSettings({})) });
  try {
    const kafka = createKafka(config, logger, { principal: 'admin' });
    const items = topicName(config.TOPIC_PREFIX, Topics.informationItems);
    await viewsCaughtUp(kafka, views, [{ projection: 'information-items', topic: items }]);
    const bodies: string[] = [];
    for (const linkageId of await demoResidents(config, identity, count)) {
      const provider = views
        .itemsOf(linkageId)
        .latest.find((i) => i.itemKind === 'LOCAL_TAX_INCOME')?.provider;
      if (!provider) continue;
      const agencyCode = await identity.codes.issueAgencyCode(AGENCY, linkageId);
      bodies.push(
        JSON.stringify({ agencyCode, officeWork: OFFICE_WORK, items: ['LOCAL_TAX_INCOME'], provider }),
      );
    }
    if (bodies.length === 0) throw new Error('no resident with local-tax income in the views');
    return bodies;
  } finally {
    await views.close();
    await identity.close();
  }
}

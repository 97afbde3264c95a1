import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../core/clock.js';
import { generateDevKeys } from '../identity/dev-keys.js';
import { provisionKafka } from '../infra/provision.js';
import { loadInfraConfig } from '../platform/config.js';
import { createKafka } from '../platform/kafka.js';
import { createLogger } from '../platform/logger.js';
import { parseRow } from '../producers/exports/parse-row.js';
import { readExport } from '../producers/exports/read-export.js';
import { openProducerHub } from '../producers/hub-wiring.js';
import { ingestExport } from '../producers/ingest.js';
import { generateExports } from '../producers/synthetic/generate.js';
import { TOPIC_SPECS } from '../schemas/topics.js';

/**
 * Ingest throughput on real Kafka, against a baseline measured in the same run: reading and
 * validating the same file without publishing. Prints figures; asserts nothing.
 *   npx tsx bench/ingest.ts --residents 140000   (≈1 M rows over the five systems)
 * Needs infra up (npm run infra -- up). Uses its own topic prefix and identity store.
 */
const { values } = parseArgs({
  options: {
    residents: { type: 'string', default: '20000' },
    system: { type: 'string', default: 'local-tax' },
  },
});
const system = values.system as 'local-tax';
const config = loadInfraConfig();
const logger = createLogger({ name: 'bench', level: 'error' });

let peakRss = 0;
const _sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 200);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tsunagi-bench-'));
  const manifest = await generateExports({
    seed: 1,
    residents: Number(values.residents),
    outDir: dir,
    format: 'csv',
  });
  const file = join(dir, manifest.files[system].file);
  const rows = manifest.files[system].rows;
  console.log(`${system} export: ${rows.toLocaleString('en')} rows (${values.residents} residents)`);

  let began = Date.now();
  let valid = 0;
  for await (const item of readExport(file))
    if (item.ok && parseRow(system, item.record, { file, line: item.line }).ok) valid++;
  const baselineMs = Date.now() - began;

  const benchConfig = {
    ...config,
    home: join(dir, 'home'),
    TOPIC_PREFIX: `bench.${Date.now().toString(36)}.`,
  };
  const admin = createKafka(benchConfig, logger, { principal: 'admin' }).admin();
  await admin.connect();
  await provisionKafka(admin, { ...benchConfig, TOPIC_REPLICATION_FACTOR: 1 }, logger);
  const hub = await openProducerHub(benchConfig, logger, { ...generateDevKeys() });
  const deps = {
    publisher: hub.publisher,
    resolveLinkageId: (n: string) => hub.identity.vault.enrol(n),
    clock: systemClock,
    logger,
    producer: 'bench',
    vaultKeys: hub.vaultKeys,
  };
  began = Date.now();
  const first = await ingestExport(file, system, deps, { batchSize: 1000 });
  const firstMs = Date.now() - began;
  began = Date.now();
  const again = await ingestExport(file, system, deps, { batchSize: 1000 });
  const againMs = Date.now() - began;
  await hub.close();
  await admin
    .deleteTopics({ topics: TOPIC_SPECS.map((t) => `${benchConfig.TOPIC_PREFIX}${t.name}`) })
    .catch(() => undefined);
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });

  const rate = (n: number, ms: number) => Math.round((n * 1000) / Math.max(ms, 1));
  console.log(
    `baseline  read + validate only     ${rate(valid, baselineMs).toLocaleString('en').padStart(9)} rows/s`,
  );
  console.log(
    `ingest    first run (enrols)       ${rate(first.read, firstMs).toLocaleString('en').padStart(9)} rows/s  = ${(baselineMs / firstMs).toFixed(2)} × baseline`,
  );
  console.log(
    `ingest    second run (enrolled)    ${rate(again.read, againMs).toLocaleString('en').padStart(9)} rows/s  = ${(baselineMs / againMs).toFixed(2)} × baseline`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

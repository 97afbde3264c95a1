import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIdentityHub } from '../../identity/identity-hub.js';
import { createKafka } from '../../platform/kafka.js';
import { generateExports, type Manifest } from '../../producers/synthetic/generate.js';
import { projectionStoreRoot, readProjectionSettings } from '../../projections/catalogue.js';
import { openProjectionViews } from '../../projections/views.js';
import { Topics, topicName } from '../../schemas/topics.js';
import { REPOSITORY } from './support/fault-env.js';
import { type FaultSystem, startFaultSystem } from './support/fault-system.js';
import { recordCase } from './support/figures.js';
import { countTopic, endOffsetSum, scrapeMetric } from './support/topic-counts.js';

/**
 * A broker SIGKILLed and restarted in the middle of an ingest of ≥ 100 000 rows (one local-tax
 * export through `npm run ingest`, the projector running as a service): every row is published
 * exactly once (each valid row one event, each invalid row one dead letter, none lost, none
 * repeated on the topic) and the views hold exactly the input (every resident's item history and
 * latest items as the file says; the projector applied each event once).
 */
const RESIDENTS = Number(process.env.FAULT_INGEST_RESIDENTS ?? 23_500);
let system: FaultSystem;
let manifest: Manifest;
let file: string;

beforeAll(async () => {
  system = await startFaultSystem('ingest');
  manifest = await generateExports({
    seed: 16,
    residents: RESIDENTS,
    outDir: join(system.config.home, 'exports'),
    format: 'csv',
    invalidRate: 0.002,
  });
  file = join(system.config.home, 'exports', manifest.files['local-tax'].file);
  await system.start('projector');
});

afterAll(async () => {
  await system?.stop();
});

interface Expected {
  /** Valid rows per My Number. */
  rows: Map<string, number>;
  /** Per My Number, per provider: the last action (by sequence). */
  last: Map<string, Map<string, { sequence: number; action: string }>>;
  valid: number;
}

/** What the file says, read independently of the producers: valid rows per resident and provider. */
function expectedFrom(path: string, invalidLines: Set<number>): Expected {
  const lines = readFileSync(path, 'utf8').split('\n');
  const rows = new Map<string, number>();
  const last = new Map<string, Map<string, { sequence: number; action: string }>>();
  let valid = 0;
  lines.forEach((line, i) => {
    const number = i + 1;
    if (number === 1 || line === '' || invalidLines.has(number)) return;
    const [provider = '', myNumber = '', sequence = '', action = ''] = line.split(',');
    valid++;
    rows.set(myNumber, (rows.get(myNumber) ?? 0) + 1);
    const byProvider = last.get(myNumber) ?? new Map();
    const previous = byProvider.get(provider);
    if (!previous || Number(sequence) > previous.sequence)
      byProvider.set(provider, { sequence: Number(sequence), action });
    last.set(myNumber, byProvider);
  });
  return { rows, last, valid };
}

function ingest(): { child: ChildProcess; done: Promise<{ code: number | null; output: string }> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'producers/cli.ts', '--system', 'local-tax', file],
    {
      cwd: REPOSITORY,
      env: { ...process.env, ...system.env, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, output })),
  );
  return { child, done };
}

describe('a broker SIGKILLed and restarted in the middle of an ingest', () => {
  it('publishes every row exactly once and the views hold exactly the input', async () => {
    const began = Date.now();
    const { config, cluster } = system;
    const rows = manifest.files['local-tax'].rows;
    expect(rows).toBeGreaterThanOrEqual(100_000);
    const invalid = new Set(manifest.files['local-tax'].invalid.map((r) => r.line));
    const expected = expectedFrom(file, invalid);
    expect(expected.valid).toBe(rows - invalid.size);

    const kafka = createKafka(config, system.logger, { principal: 'admin', clientId: 'fault-ingest' });
    const itemsTopic = topicName(config.TOPIC_PREFIX, Topics.informationItems);
    const run = ingest();

    // Wait until a third of the rows are on the topic, then kill the leader of partition 0.
    while ((await endOffsetSum(kafka, itemsTopic)) < rows / 3) {
      if (run.child.exitCode !== null) break;
      await sleep(250);
    }
    const killedAt = await endOffsetSum(kafka, itemsTopic);
    const { leader } = await cluster.partition(itemsTopic, 0);
    await cluster.kill(leader);
    await sleep(15_000);
    const atRestart = await endOffsetSum(kafka, itemsTopic);
    const restartMs = await cluster.start(leader);

    const { code, output } = await run.done;
    expect(output).not.toMatch(/ingest stopped/);
    expect(code).toBe(0);
    const summary = /read (\d+), published (\d+), rejected (\d+)/.exec(output);
    expect(summary?.slice(1).map(Number)).toEqual([rows, expected.valid, invalid.size]);

    // The topics: each valid row one event, each invalid row one dead letter; nothing lost, nothing twice.
    const items = await countTopic(kafka, itemsTopic);
    const deadLetters = await countTopic(kafka, topicName(config.TOPIC_PREFIX, Topics.deadLetters));
    const enrolments = await countTopic(
      kafka,
      topicName(config.TOPIC_PREFIX, Topics.identityEnrolments),
      (_headers, key) => key,
    );
    expect({ records: items.records, distinct: items.distinct }).toEqual({
      records: expected.valid,
      distinct: expected.valid,
    });
    expect({ records: deadLetters.records, distinct: deadLetters.distinct }).toEqual({
      records: invalid.size,
      distinct: invalid.size,
    });
    expect(enrolments.records).toBe(expected.rows.size);
    expect(enrolments.distinct).toBe(expected.rows.size);

    // The projector: caught up, each event applied once.
    const views = openProjectionViews({
      storeRoot: projectionStoreRoot(config, readProjectionSettings({})),
    });
    const ends = kafka.admin();
    await ends.connect();
    const end = await ends.fetchTopicOffsets(itemsTopic);
    await ends.disconnect();
    for (let waited = 0; waited < 180_000; waited += 500) {
      const at = views.positions('information-items');
      if (end.every((o) => Number(at.get(`${itemsTopic}/${o.partition}`) ?? 0) >= Number(o.high))) break;
      await sleep(500);
    }
    const metrics = `http://127.0.0.1:${system.projectorMetricsPort}/metrics`;
    const label = 'projection="information-items"';
    const applied = await scrapeMetric(metrics, 'tsunagi_projection_events_applied_total', label);
    const duplicates = (await scrapeMetric(metrics, 'tsunagi_projection_duplicates_total', label)) ?? 0;
    expect(applied).toBe(expected.valid);
    expect(duplicates).toBe(0);

    // The views against the input, resident by resident.
    const identity = await openIdentityHub(config, system.logger);
    let historyEntries = 0;
    const mismatches: string[] = [];
    try {
      for (const [myNumber, count] of expected.rows) {
        const linkageId = await identity.vault.lookup(myNumber);
        if (!linkageId) {
          mismatches.push('a resident of the file was not enrolled');
          continue;
        }
        const { latest, history } = views.itemsOf(linkageId);
        historyEntries += history.length;
        if (history.length !== count) mismatches.push(`history ${history.length} ≠ ${count} rows`);
        for (const [provider, last] of expected.last.get(myNumber) ?? []) {
          const held = latest.find((i) => i.provider === provider && i.itemKind === 'LOCAL_TAX_INCOME');
          const ok = last.action === 'WITHDRAW' ? held === undefined : held?.sequence === last.sequence;
          if (!ok) mismatches.push(`latest item of a provider ≠ the file's last ${last.action}`);
        }
      }
    } finally {
      await identity.close();
      await views.close();
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(historyEntries).toBe(expected.valid);

    const seconds = (Date.now() - began) / 1000;
    recordCase({
      id: 'broker-kill-ingest',
      test: 'tests/fault/broker-ingest.fault.test.ts',
      faults: [
        `SIGKILL of Kafka node ${leader} (a partition leader) at ${killedAt} of ${rows} rows, restarted 15 s later`,
      ],
      cases: rows,
      broken: {
        eventsLost: expected.valid - items.distinct,
        deadLettersLost: invalid.size - deadLetters.distinct,
        duplicatesOnTopic: items.repeats + deadLetters.repeats,
        duplicatesApplied: (applied ?? 0) - expected.valid,
        viewMismatches: mismatches.length,
      },
      figures: {
        rowsAtKill: killedAt,
        rowsAtRestart: atRestart,
        restartSeconds: Number((restartMs / 1000).toFixed(1)),
        residents: expected.rows.size,
        historyEntries,
        ingestRowsPerSecond: Number(/(\d+) rows\/s\s*$/m.exec(output)?.[1] ?? 0),
      },
      seconds,
    });
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { expect } from 'vitest';
import { openIdentityHub } from '../../../identity/identity-hub.js';
import { generateExports } from '../../../producers/synthetic/generate.js';
import { projectionStoreRoot, readProjectionSettings } from '../../../projections/catalogue.js';
import { openProjectionViews } from '../../../projections/views.js';
import { Topics, topicName } from '../../../schemas/topics.js';
import { REPOSITORY } from './fault-env.js';
import type { FaultSystem } from './fault-system.js';
import { countTopic, scrapeMetric, type TopicCount } from './topic-counts.js';

/** What a local-tax export says, read independently of the producers. */
export interface Expected {
  /** Valid rows per My Number. */
  rows: Map<string, number>;
  /** Per My Number, per provider: the last action (by sequence). */
  last: Map<string, Map<string, { sequence: number; action: string }>>;
  valid: number;
}

/** A synthetic local-tax CSV export under the system's home (0.2 % invalid rows) and what it says. */
export async function localTaxExport(system: FaultSystem, seed: number, residents: number) {
  const outDir = join(system.config.home, 'exports');
  const manifest = await generateExports({ seed, residents, outDir, format: 'csv', invalidRate: 0.002 });
  const file = join(outDir, manifest.files['local-tax'].file);
  const invalid = new Set(manifest.files['local-tax'].invalid.map((r) => r.line));
  return { file, rows: manifest.files['local-tax'].rows, invalid, expected: expectedFrom(file, invalid) };
}
export type LocalTaxExport = Awaited<ReturnType<typeof localTaxExport>>;

/** Valid rows per resident and provider of a local-tax CSV export (the generator's invalid lines left out). */
export function expectedFrom(path: string, invalidLines: Set<number>): Expected {
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

/** `npm run ingest -- --system local-tax FILE` as its own process (a municipality's run), output collected. */
export function spawnIngest(
  system: FaultSystem,
  file: string,
): { child: ChildProcess; done: Promise<{ code: number | null; output: string }> } {
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

/** The topics an ingest writes: items and dead letters by event id, enrolments by key. */
export async function ingestTopics(
  system: FaultSystem,
  kafka: Kafka,
): Promise<{ items: TopicCount; deadLetters: TopicCount; enrolments: TopicCount; runs: TopicCount }> {
  const name = (ref: Parameters<typeof topicName>[1]) => topicName(system.config.TOPIC_PREFIX, ref);
  return {
    items: await countTopic(kafka, name(Topics.informationItems)),
    deadLetters: await countTopic(kafka, name(Topics.deadLetters)),
    enrolments: await countTopic(kafka, name(Topics.identityEnrolments), (_headers, key) => key),
    runs: await countTopic(kafka, name(Topics.ingestRuns)),
  };
}

/** Waits (generously) until the projector's information-items view stored every record up to the topic's end. */
export async function untilItemsProjected(system: FaultSystem, kafka: Kafka, timeoutMs = 180_000) {
  const itemsTopic = topicName(system.config.TOPIC_PREFIX, Topics.informationItems);
  const admin = kafka.admin();
  await admin.connect();
  const end = await admin.fetchTopicOffsets(itemsTopic);
  await admin.disconnect();
  const views = openProjectionViews({
    storeRoot: projectionStoreRoot(system.config, readProjectionSettings({})),
  });
  try {
    for (let waited = 0; waited < timeoutMs; waited += 500) {
      const at = views.positions('information-items');
      if (end.every((o) => Number(at.get(`${itemsTopic}/${o.partition}`) ?? 0) >= Number(o.high))) return;
      await sleep(500);
    }
  } finally {
    await views.close();
  }
  throw new Error(`the projector did not reach the end of ${itemsTopic} within ${timeoutMs} ms`);
}

/**
 * The views against the input, resident by resident: each resident's item history holds one entry
 * per valid row, and the latest item per provider is the file's last action. Mismatches say what,
 * never whose.
 */
export async function viewsAgainstInput(
  system: FaultSystem,
  expected: Expected,
): Promise<{ mismatches: string[]; historyEntries: number }> {
  const views = openProjectionViews({
    storeRoot: projectionStoreRoot(system.config, readProjectionSettings({})),
  });
  const identity = await openIdentityHub(system.config, system.logger);
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
  return { mismatches, historyEntries };
}

/**
 * Everything an ingest of the export left, read from outside once the projector caught up: the
 * topics (each valid row one event, each invalid row one dead letter, each resident one enrolment),
 * the projector's counters (each event applied once) and the views against the file. `broken` holds
 * the promise-level counts (all 0 when nothing was lost or repeated).
 */
export async function ingestOutcome(system: FaultSystem, kafka: Kafka, input: LocalTaxExport) {
  const { expected, invalid } = input;
  const topics = await ingestTopics(system, kafka);
  await untilItemsProjected(system, kafka);
  const metrics = `http://127.0.0.1:${system.projectorMetricsPort}/metrics`;
  const label = 'projection="information-items"';
  const applied = (await scrapeMetric(metrics, 'tsunagi_projection_events_applied_total', label)) ?? 0;
  const duplicates = (await scrapeMetric(metrics, 'tsunagi_projection_duplicates_total', label)) ?? 0;
  const { mismatches, historyEntries } = await viewsAgainstInput(system, expected);
  const { items, deadLetters, enrolments } = topics;
  return {
    ...topics,
    applied,
    duplicates,
    mismatches,
    historyEntries,
    broken: {
      eventsLost: expected.valid - items.distinct,
      deadLettersLost: invalid.size - deadLetters.distinct,
      duplicatesOnTopic: items.repeats + deadLetters.repeats + enrolments.repeats,
      duplicatesApplied: applied - expected.valid,
      viewMismatches: mismatches.length,
    },
  };
}

/** The outcome as the input says it must be, count by count (the first few view mismatches shown). */
export function expectExactlyOnce(outcome: Awaited<ReturnType<typeof ingestOutcome>>, input: LocalTaxExport) {
  const { expected, invalid } = input;
  const { items, deadLetters, enrolments, applied, duplicates, mismatches, historyEntries } = outcome;
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
  expect(applied).toBe(expected.valid);
  expect(duplicates).toBe(0);
  expect(mismatches.slice(0, 5)).toEqual([]);
  expect(historyEntries).toBe(expected.valid);
}

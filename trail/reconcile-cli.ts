import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { TsunagiError } from '../core/errors.js';
import { runIfMain } from '../platform/cli-main.js';
import { loadInfraConfig } from '../platform/config.js';
import { createEventStore, type EventStore } from '../platform/event-store.js';
import { createEventWire } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import { createLogger } from '../platform/logger.js';
import { projectionStoreRoot, readProjectionSettings } from '../projections/catalogue.js';
import { openProjectionViews, type ProjectionViews } from '../projections/views.js';
import { Topics } from '../schemas/topics.js';
import {
  AnswerReceipt,
  formatReport,
  type HistoryEntry,
  reconcile,
  type TrailRecord,
  type Window,
} from './reconcile.js';

const USAGE = `usage: npm run reconcile -- --from ISO-INSTANT [--to ISO-INSTANT] [--answers FILE.jsonl] [--store DIR] [--json]
  Counts, for the window [from, to) (default to: now), the answers the agencies received (their audit of
  answers, JSON lines: inquiryId, receivedAt, status, items[].{outcome, digest, trail}), the trail's records
  and the residents' history entries (the projector's trail index, --store or PROJECTION_STORE_DIR), and
  reports every difference. Exit 0: no promise broken (the trail may over-state); 1: a difference that
  breaks one (an answer without its record, a record missing from the history); 2: usage.
  Reads the trail as the Kafka principal \`reconcile\` (docs/RELIABILITY.md).`;

/** Records are looked for from this long before the window: an answer in it may name an earlier record. */
const LOOKBACK_MS = 10 * 60_000;

/** The trail's records from `since` to the end offsets seen at the call, decoded; with each one's resident. */
async function readTrail(
  kafka: Kafka,
  store: EventStore,
  since: Date,
): Promise<Array<TrailRecord & { linkageId: string }>> {
  const topic = store.topic(Topics.accessTrail);
  const admin = kafka.admin();
  await admin.connect();
  let starts: Array<{ partition: number; offset: string }>;
  try {
    starts = await admin.fetchTopicOffsetsByTimestamp(topic, since.getTime());
  } finally {
    await admin.disconnect();
  }
  const start = new Map(starts.map((s) => [s.partition, s.offset]));
  const records: Array<TrailRecord & { linkageId: string }> = [];
  // Read from the first record at `since`, through the one reader, up to the end offsets now.
  const reading = await store.follow(
    [Topics.accessTrail],
    { kind: 'stored', group: `reconcile-${randomUUID()}`, offsetOf: (_, partition) => start.get(partition) },
    (batch) => {
      for (const r of batch.records) {
        if (r.kind !== 'event' || r.event.type !== 'DisclosureRecorded') continue;
        const event = r.event;
        records.push({
          partition: r.position.partition,
          offset: r.position.offset,
          eventId: event.envelope.eventId,
          correlationId: event.envelope.correlationId,
          channel: event.data.channel,
          outcome: event.data.outcome,
          recordedAt: event.envelope.recordedAt,
          digest: event.data.disclosedDigest ? Buffer.from(event.data.disclosedDigest).toString('hex') : null,
          linkageId: event.data.linkageId,
        });
      }
    },
    { until: 'caught-up' },
  );
  await reading.done;
  return records;
}

/** Every history entry of these residents recorded in the window (pages newest first until older). */
function readHistory(views: ProjectionViews, linkageIds: Iterable<string>, window: Window): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const linkageId of linkageIds) {
    let before: string | undefined;
    for (;;) {
      const page = views.trailOf(linkageId, { limit: 100, ...(before ? { before } : {}) });
      for (const e of page.entries)
        if (e.recordedAt >= window.from && e.recordedAt < window.to)
          entries.push({
            eventId: e.eventId,
            recordedAt: e.recordedAt,
            channel: e.channel,
            outcome: e.outcome,
          });
      const oldest = page.entries.at(-1);
      if (!page.nextBefore || !oldest || oldest.recordedAt < window.from) break;
      before = page.nextBefore;
    }
  }
  return entries;
}

function readAnswers(file: string): AnswerReceipt[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, number: i + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, number }) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new TsunagiError('INPUT_INVALID', `${file}:${number}: not JSON`, { path: `${file}:${number}` });
      }
      const parsed = AnswerReceipt.safeParse(json);
      if (!parsed.success) {
        const field = parsed.error.issues[0]?.path.join('.') ?? '';
        throw new TsunagiError(
          'INPUT_INVALID',
          `${file}:${number}: ${field}: ${parsed.error.issues[0]?.message}`,
          {
            path: `${file}:${number}`,
          },
        );
      }
      return parsed.data;
    });
}

const instant = (value: string | undefined, option: string): Date => {
  const date = new Date(value ?? '');
  if (value === undefined || Number.isNaN(date.getTime()))
    throw new TsunagiError('INPUT_INVALID', `--${option}: expected an ISO 8601 instant`, { path: option });
  return date;
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      answers: { type: 'string' },
      store: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || values.from === undefined) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const window = {
    from: instant(values.from, 'from'),
    to: values.to ? instant(values.to, 'to') : new Date(),
  };
  if (window.to <= window.from)
    throw new TsunagiError('INPUT_INVALID', '--to: must be after --from', { path: 'to' });
  const answers = values.answers ? readAnswers(values.answers) : null;

  const config = loadInfraConfig();
  const logger = createLogger({ name: 'reconcile', level: process.env.LOG_LEVEL ?? 'warn' });
  const kafka = createKafka(config, logger, { principal: 'reconcile', clientId: 'tsunagi-reconcile' });
  const store = createEventStore({
    kafka,
    wire: createEventWire(config),
    topicPrefix: config.TOPIC_PREFIX,
    logger,
  });
  let trail: Array<TrailRecord & { linkageId: string }>;
  try {
    trail = await readTrail(kafka, store, new Date(window.from.getTime() - LOOKBACK_MS));
  } finally {
    await store.close();
  }
  const views = openProjectionViews({
    storeRoot: values.store ?? projectionStoreRoot(config, readProjectionSettings()),
  });
  let history: HistoryEntry[];
  try {
    history = readHistory(views, new Set(trail.map((r) => r.linkageId)), window);
  } finally {
    await views.close();
  }
  const report = reconcile({
    window,
    trail: trail.map(({ linkageId: _resident, ...record }) => record),
    history,
    answers,
  });
  console.log(values.json ? JSON.stringify(report) : formatReport(report));
  return report.ok ? 0 : 1;
}

runIfMain(import.meta.url, main);

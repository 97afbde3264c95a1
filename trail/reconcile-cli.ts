import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { TsunagiError } from '../core/errors.js';
import { runIfMain } from '../platform/cli-main.js';
import { loadInfraConfig } from '../platform/config.js';
import { createEventWire, type EventWire } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import { createLogger } from '../platform/logger.js';
import { projectionStoreRoot, readProjectionSettings } from '../projections/catalogue.js';
import { openProjectionViews, type ProjectionViews } from '../projections/views.js';
import { Topics, topicName } from '../schemas/topics.js';
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
  wire: EventWire,
  topic: string,
  since: Date,
): Promise<Array<TrailRecord & { linkageId: string }>> {
  const admin = kafka.admin();
  await admin.connect();
  let starts: Array<{ partition: number; offset: string }>;
  let ends: Map<number, bigint>;
  try {
    starts = await admin.fetchTopicOffsetsByTimestamp(topic, since.getTime());
    ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  const pending = new Set(
    starts.filter((s) => BigInt(s.offset) < (ends.get(s.partition) ?? 0n)).map((s) => s.partition),
  );
  const records: Array<TrailRecord & { linkageId: string }> = [];
  if (pending.size === 0) return records;
  const start = new Map(starts.map((s) => [s.partition, BigInt(s.offset)]));
  const consumer = kafka.consumer({ groupId: `reconcile-${randomUUID()}` });
  // Read from the first record at `since` (earlier ones are skipped, also if the seek comes late).
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const s of starts) consumer.seek({ topic, partition: s.partition, offset: s.offset });
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition) ?? 0n;
            const offset = BigInt(message.offset);
            if (!pending.has(partition) || offset < (start.get(partition) ?? 0n) || offset >= end) return;
            const event = message.value ? await wire.decode(message.value) : undefined;
            if (event?.type === 'DisclosureRecorded') {
              records.push({
                partition,
                offset: message.offset,
                eventId: event.envelope.eventId,
                correlationId: event.envelope.correlationId,
                channel: event.data.channel,
                outcome: event.data.outcome,
                recordedAt: event.envelope.recordedAt,
                digest: event.data.disclosedDigest
                  ? Buffer.from(event.data.disclosedDigest).toString('hex')
                  : null,
                linkageId: event.data.linkageId,
              });
            }
            if (offset + 1n >= end) pending.delete(partition);
            if (pending.size === 0) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
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
  const trail = await readTrail(
    kafka,
    createEventWire(config),
    topicName(config.TOPIC_PREFIX, Topics.accessTrail),
    new Date(window.from.getTime() - LOOKBACK_MS),
  );
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

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TsunagiError } from '../core/errors.js';
import { identityConfigFor } from '../identity/hub-config.js';
import { runIfMain } from '../platform/cli-main.js';
import { loadInfraConfig } from '../platform/config.js';
import { CONSUMER_GROUPS } from '../platform/consumer-groups.js';
import { type EventStore, openEventStore } from '../platform/event-store.js';
import { createLogger } from '../platform/logger.js';
import type { DeadLetterRecorded } from '../schemas/events.js';
import { Topics } from '../schemas/topics.js';
import { recoverOriginalBytes } from './dead-letter.js';

/** Which dead letters: by event id, or by source (`juki.csv:17`, or a base name for all its lines). */
export type DeadLetterFilter = { eventId: string } | { source: string };

const matches = (letter: DeadLetterRecorded, filter: DeadLetterFilter): boolean =>
  'eventId' in filter
    ? letter.envelope.eventId === filter.eventId
    : letter.data.source === filter.source || letter.data.file === filter.source;

/** Reads the dead-letter topic to its current end and keeps the letters that match (all without a filter). */
export async function findDeadLetters(
  store: Pick<EventStore, 'follow'>,
  filter?: DeadLetterFilter,
): Promise<DeadLetterRecorded[]> {
  const found: DeadLetterRecorded[] = [];
  const reading = await store.follow(
    [Topics.deadLetters],
    { kind: 'earliest', groupPrefix: `${CONSUMER_GROUPS.operator.prefix}dead-letters-` },
    (batch) => {
      for (const record of batch.records) {
        if (record.kind !== 'event' || record.event.type !== 'DeadLetterRecorded') continue;
        if (!filter || matches(record.event, filter)) found.push(record.event);
      }
    },
    { until: 'caught-up' },
  );
  await reading.done;
  return found;
}

/** One line per letter: id, time, source, field, code, reason. Never the bytes. */
export const describeDeadLetter = (l: DeadLetterRecorded): string =>
  [
    l.envelope.eventId,
    l.envelope.recordedAt.toISOString(),
    l.data.source,
    l.data.field ?? '-',
    l.data.errorCode,
    l.data.reason,
  ].join('\t');

const USAGE = `usage: npx tsx producers/dead-letter-cli.ts list [--source NAME[:LINE]]
       npx tsx producers/dead-letter-cli.ts recover (--event-id ID | --source NAME:LINE) [--out FILE]
  list     prints event id, time, source, field, error code and reason of each dead letter
  recover  unseals one dead letter with TSUNAGI_VAULT_KEYS (the key version it names must be
           configured) and writes the rejected row's bytes, My Numbers masked, to FILE or stdout`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      source: { type: 'string' },
      'event-id': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const command = positionals[0];
  const eventId = values['event-id'];
  const filter: DeadLetterFilter | undefined = eventId
    ? { eventId }
    : values.source
      ? { source: values.source }
      : undefined;
  if (values.help || (command !== 'list' && command !== 'recover') || (command === 'recover' && !filter)) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const config = loadInfraConfig();
  const logger = createLogger({ name: 'dead-letters', level: process.env.LOG_LEVEL ?? 'warn' });
  const store = openEventStore(config, logger, { principal: 'operator', clientId: 'tsunagi-dead-letters' });
  const letters = await findDeadLetters(store, filter).finally(() => store.close());
  if (command === 'list') {
    for (const letter of letters) console.log(describeDeadLetter(letter));
    return 0;
  }
  if (letters.length === 0) throw new TsunagiError('NOT_FOUND', 'no dead letter matches');
  if (letters.length > 1) {
    console.error(`${letters.length} dead letters match; choose one with --event-id:`);
    for (const letter of letters) console.error(describeDeadLetter(letter));
    return 2;
  }
  const bytes = recoverOriginalBytes(letters[0] as DeadLetterRecorded, identityConfigFor(config).vaultKeys);
  if (values.out) writeFileSync(values.out, bytes, { mode: 0o600 });
  else process.stdout.write(bytes);
  return 0;
}

runIfMain(import.meta.url, main);

import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TsunagiError } from '../core/errors.js';
import { runIfMain } from '../platform/cli-main.js';
import { loadInfraConfig } from '../platform/config.js';
import { agencyGroupPrefix } from '../platform/consumer-groups.js';
import { type EventStore, openEventStore } from '../platform/event-store.js';
import { createLogger, type Logger } from '../platform/logger.js';
import { type AgencyNotified, eventToJson } from '../schemas/events.js';
import { agencyNotificationTopic } from '../schemas/topics.js';

/**
 * What an agency runs: follow its own topic, decode, drop duplicates by event id (the hub may
 * re-send after a crash, always with the same id), hand each new notification on. The group owns
 * the offsets (`committed`): a batch's offset is committed after the handler returned, so a
 * notification is handled at least once and, with `seen` restored from the agency's store, acted on once.
 */
export async function followAgencyNotifications(deps: {
  store: Pick<EventStore, 'follow'>;
  agencyId: string;
  groupId: string;
  fromBeginning: boolean;
  /** Event ids already handled (restored from the agency's store). */
  seen: Set<string>;
  onNotification: (notification: AgencyNotified) => void | Promise<void>;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const initial = deps.fromBeginning ? 'earliest' : 'latest';
  return deps.store.follow(
    [agencyNotificationTopic(deps.agencyId)],
    { kind: 'committed', group: deps.groupId, initial },
    async (batch) => {
      for (const record of batch.records) {
        if (record.kind === 'tombstone') continue;
        if (record.kind !== 'event' || record.event.type !== 'AgencyNotified') {
          deps.logger.warn(record.position, 'not a notification; skipped');
          continue;
        }
        const event = record.event;
        if (deps.seen.has(event.envelope.eventId)) continue;
        await deps.onNotification(event);
        deps.seen.add(event.envelope.eventId);
      }
    },
  );
}

/** The event ids in an agency's JSONL store, so a restart does not act on a notification twice. */
export function idsInStore(path: string): Set<string> {
  if (!existsSync(path)) return new Set();
  const ids = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { envelope?: { eventId?: string } }).envelope?.eventId)
    .filter((id): id is string => typeof id === 'string');
  return new Set(ids);
}

/** One console line: day, code, item, action; never the content (names, addresses) of the notification. */
export const summaryLine = (n: AgencyNotified): string =>
  [
    n.data.effectiveDate ?? n.envelope.occurredAt.toISOString().slice(0, 10),
    n.data.agencyCode,
    n.data.officeWork,
    n.data.itemKind,
    n.data.changeType ? `${n.data.action}:${n.data.changeType}` : n.data.action,
    `from ${n.data.provider}`,
    `(${n.data.legalBasisRowId})`,
  ].join('  ');

const USAGE = `usage: tsx consumers/agency-consumer.ts --agency ID [--from-beginning] [--out FILE.jsonl] [--group ID]
  Follows the agency's own notification topic and prints code, item and action of each new
  notification; with --out, appends the whole notification (JSON form) to the agency's store.
  Connects to Kafka as the agency's own principal; its groups must start with agency.<ID>.
  (default agency.<ID>.consumer).`;

/** The agency's consumer group: the broker lets an agency use only groups under its own prefix. */
export function agencyGroup(agencyId: string, requested?: string): string {
  const prefix = agencyGroupPrefix(agencyId);
  const group = requested ?? `${prefix}consumer`;
  if (!group.startsWith(prefix))
    throw new TsunagiError('INPUT_INVALID', `--group must start with ${prefix} (the agency's own groups)`, {
      path: 'group',
    });
  return group;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      agency: { type: 'string' },
      'from-beginning': { type: 'boolean', default: false },
      out: { type: 'string' },
      group: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.agency) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const config = loadInfraConfig();
  const logger = createLogger({ name: `agency-${values.agency}`, level: config.LOG_LEVEL });
  const out = values.out;
  const store = openEventStore(config, logger, {
    principal: values.agency,
    clientId: `agency-${values.agency}`,
  });
  const following = await followAgencyNotifications({
    store,
    agencyId: values.agency,
    groupId: agencyGroup(values.agency, values.group),
    fromBeginning: values['from-beginning'],
    seen: out ? idsInStore(out) : new Set(),
    onNotification: (n) => {
      if (out) appendFileSync(out, `${JSON.stringify(eventToJson(n))}\n`);
      console.log(summaryLine(n));
    },
    logger,
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await following.stop();
  await store.close();
  return 0;
}

runIfMain(import.meta.url, main);

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { infraPaths } from '../infra/paths.js';
import type { InfraConfig } from '../platform/config.js';
import { openEventStore } from '../platform/event-store.js';
import { createKafka } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import type { EligibilityNoticeIssued, TsunagiEvent } from '../schemas/events.js';
import { type TopicRef, Topics, topicName } from '../schemas/topics.js';

export interface DemoEligibility {
  issued: EligibilityNoticeIssued[];
  byRule: Map<string, number>;
  /** Eligibility notices on agencies' own topics, by agency. */
  delivered: Map<string, number>;
  /** Rules that failed for a resident, dead-lettered. */
  failed: number;
  /** The first notice's trail entry, as the trail holds it. */
  example?: { notice: EligibilityNoticeIssued; trail: TsunagiEvent | undefined };
  outboxLines: number;
}

/**
 * What the notices service made of the events the demo ingested (push-type administration): the
 * notices it issued (the residents' inboxes), by rule; one of them with its trail entry, recorded
 * before the notice went anywhere; the agencies' deliveries; the rules dead-lettered; the contact
 * outbox. Waits until the count stops growing for a while (the service lets each event settle
 * 10 s before it evaluates it), at most 90 s. Prints no linkage id, code or PPID.
 */
export async function demoEligibility(config: InfraConfig, logger: Logger): Promise<DemoEligibility> {
  const kafka = createKafka(config, logger, { principal: 'admin' });
  const store = openEventStore(config, logger, { principal: 'admin' });
  /** A topic's events up to its end now (`topic`: a full name), through the event store's reader. */
  const read = async (topic: string) => {
    const events: Array<{ offset: string; event: TsunagiEvent }> = [];
    const reading = await store.follow(
      [topic.slice(config.TOPIC_PREFIX.length) as TopicRef],
      { kind: 'earliest', groupPrefix: 'tsunagi-demo-' },
      (batch) => {
        for (const r of batch.records)
          if (r.kind === 'event') events.push({ offset: r.position.offset, event: r.event });
      },
      { until: 'caught-up' },
    );
    await reading.done;
    return events;
  };
  const noticesTopic = topicName(config.TOPIC_PREFIX, Topics.notices);
  let issued: EligibilityNoticeIssued[] = [];
  for (let waited = 0, stable = 0; waited < 90_000 && stable < 12_000; waited += 2_000) {
    await sleep(2_000);
    const now = (await read(noticesTopic))
      .map((r) => r.event)
      .filter((e): e is EligibilityNoticeIssued => e.type === 'EligibilityNoticeIssued');
    stable = now.length > 0 && now.length === issued.length ? stable + 2_000 : 0;
    issued = now;
  }
  const byRule = new Map<string, number>();
  for (const notice of issued) byRule.set(notice.data.ruleId, (byRule.get(notice.data.ruleId) ?? 0) + 1);

  const admin = kafka.admin();
  await admin.connect();
  const agencyTopics = (await admin.listTopics().finally(() => admin.disconnect())).filter((t) =>
    t.startsWith(`${config.TOPIC_PREFIX}agency.`),
  );
  const delivered = new Map<string, number>();
  for (const topic of agencyTopics) {
    const count = (await read(topic)).filter((r) => r.event.type === 'EligibilityNoticeDelivered').length;
    if (count > 0) delivered.set(topic.slice(config.TOPIC_PREFIX.length).split('.')[1] ?? topic, count);
  }
  const failed = (await read(topicName(config.TOPIC_PREFIX, Topics.deadLetters))).filter(
    (r) => r.event.type === 'DeadLetterRecorded' && r.event.data.source.startsWith('notices:'),
  ).length;
  const [first] = issued;
  const example = first
    ? {
        notice: first,
        trail: (await read(topicName(config.TOPIC_PREFIX, Topics.accessTrail))).find(
          (r) => r.offset === first.data.trail.offset,
        )?.event,
      }
    : undefined;
  const outbox = join(infraPaths(config.home).data('notices-outbox'), 'outbox.jsonl');
  const outboxLines = existsSync(outbox)
    ? readFileSync(outbox, 'utf8').trim().split('\n').filter(Boolean).length
    : 0;

  console.log(
    `  ${issued.length} eligibility notices issued: ${[...byRule].map(([rule, n]) => `${rule} ×${n}`).join(', ') || 'none'}`,
  );
  if (example) {
    const { data } = example.notice;
    console.log(`  e.g. ${data.ruleId} "${data.title}"`);
    console.log(
      `       for the resident's inbox (portal PPID), due ${data.dueDate}; acted on by ${data.responsibleAgency} under ${data.legalBasisRowId}`,
    );
    const entry = example.trail?.type === 'DisclosureRecorded' ? example.trail.data : undefined;
    console.log(
      `       recorded first: trail ${data.trail.topic}@${data.trail.offset} (channel ${entry?.channel}, item ${entry?.itemKind}, requester ${entry?.requester})`,
    );
  }
  console.log(
    `  delivered under each agency's own code: ${[...delivered].map(([agency, n]) => `${agency} ${n}`).join(', ') || 'none'}`,
  );
  console.log(
    `  rules dead-lettered for a resident: ${failed}; contact messages in the outbox: ${outboxLines} (${outbox})`,
  );
  await store.close();
  return { issued, byRule, delivered, failed, ...(example ? { example } : {}), outboxLines };
}

import { createEventWire } from '../../../platform/event-wire.js';
import { createKafka } from '../../../platform/kafka.js';
import { Topics, topicName } from '../../../schemas/topics.js';
import { readTopic } from '../../support/read-topic.js';
import type { FaultSystem } from './fault-system.js';
import type { Receipt } from './inquiries.js';

/** A trail record as the checks need it: who, how, the digest; keyed by offset (one partition). */
export interface TrailRow {
  offset: string;
  eventId: string;
  correlationId: string;
  channel: string;
  outcome: string;
  requester: string;
  digest: string | null;
  recordedAt: Date;
}

export const trailTopic = (system: FaultSystem): string =>
  topicName(system.config.TOPIC_PREFIX, Topics.accessTrail);

/** Every record of the system's trail, read through Kafka (from whichever replica leads now). */
export async function readTrail(system: FaultSystem): Promise<Map<string, TrailRow>> {
  const wire = createEventWire(system.config);
  const kafka = createKafka(system.config, system.logger, { principal: 'admin', clientId: 'fault-trail' });
  const rows = new Map<string, TrailRow>();
  for (const message of await readTopic(kafka, trailTopic(system))) {
    const event = await wire.decode(message.value as Buffer);
    if (event.type !== 'DisclosureRecorded') continue;
    rows.set(message.offset, {
      offset: message.offset,
      eventId: event.envelope.eventId,
      correlationId: event.envelope.correlationId,
      channel: event.data.channel,
      outcome: event.data.outcome,
      requester: event.data.requester,
      digest: event.data.disclosedDigest ? Buffer.from(event.data.disclosedDigest).toString('hex') : null,
      recordedAt: event.envelope.recordedAt,
    });
  }
  return rows;
}

/**
 * Each disclosing answer against the trail: its record must be at the position it names, DISCLOSED,
 * for the same inquiry and agency, with the digest of what the agency received.
 */
export function answersAgainstTrail(receipts: readonly Receipt[], trail: ReadonlyMap<string, TrailRow>) {
  const disclosing = receipts.filter((r) => r.status === 200);
  const withoutRecord: string[] = [];
  for (const r of disclosing)
    for (const item of r.items.filter((i) => i.outcome === 'DISCLOSED')) {
      const row = trail.get(item.trail.offset);
      const ok =
        row?.outcome === 'DISCLOSED' &&
        row.correlationId === r.inquiryId &&
        row.requester === r.agency &&
        row.digest === item.digest;
      if (!ok) withoutRecord.push(`${r.inquiryId}@${item.trail.offset}`);
    }
  return { disclosing: disclosing.length, withoutRecord };
}

/** The trail's DISCLOSED inquiry records recorded in [from, to): what a window's answers are counted against. */
export const disclosedInquiryRecords = (trail: ReadonlyMap<string, TrailRow>, from: Date, to: Date): number =>
  [...trail.values()].filter(
    (row) =>
      row.channel === 'INQUIRY' &&
      row.outcome === 'DISCLOSED' &&
      row.recordedAt >= from &&
      row.recordedAt < to,
  ).length;

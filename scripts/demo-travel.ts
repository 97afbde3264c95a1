import { randomUUID } from 'node:crypto';
import type { InfraConfig } from '../platform/config.js';
import { openEventStore } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';
import { anEvent } from '../schemas/testing/events.js';
import { Topics } from '../schemas/topics.js';

/**
 * The smallest demo: one fictional resident-record event is appended through the event store in the
 * registry's wire format and read back by its reader, showing an event travelling through Kafka.
 */
export async function demoEventTravels(config: InfraConfig, logger: Logger): Promise<void> {
  const store = openEventStore(config, logger, { principal: 'admin' });
  try {
    const event = anEvent('ResidentRecordChanged', {
      envelope: { eventId: `demo-${randomUUID()}`, recordedAt: new Date() },
    });
    const [sent] = await store.append([event]);
    logger.info({ ...sent, eventId: event.envelope.eventId }, 'demo event produced');
    await new Promise<void>((resolve, reject) => {
      store
        .follow(
          [Topics.residentRecords],
          { kind: 'earliest', groupPrefix: 'tsunagi-demo-' },
          (batch) => {
            for (const record of batch.records) {
              if (record.kind !== 'event' || record.event.envelope.eventId !== event.envelope.eventId)
                continue;
              const { type, envelope } = record.event;
              logger.info(
                { ...record.position, type, eventId: envelope.eventId },
                'demo event consumed and decoded',
              );
              resolve();
            }
          },
          { until: 'caught-up' },
        )
        .then((reading) => reading.done)
        .then(() => reject(new Error('the demo event was not read back')), reject);
    });
  } finally {
    await store.close();
  }
}

import { randomUUID } from 'node:crypto';
import type { InfraConfig } from '../platform/config.js';
import { createEventWire } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import { eventKey } from '../schemas/events.js';
import { SAMPLE_EVENTS } from '../schemas/testing/samples.js';
import { Topics, topicName } from '../schemas/topics.js';

/**
 * The smallest demo: one fictional resident-record event is produced in the registry's
 * wire format and read back by a consumer, showing an event travelling through Kafka.
 */
export async function demoEventTravels(config: InfraConfig, logger: Logger): Promise<void> {
  const wire = createEventWire(config);
  const kafka = createKafka(config, logger, { principal: 'admin' });
  const topic = topicName(config.TOPIC_PREFIX, Topics.residentRecords);
  const sample = SAMPLE_EVENTS['resident-record-changed']?.[1];
  if (!sample) throw new Error('sample resident event missing');
  const event = {
    ...sample,
    envelope: { ...sample.envelope, eventId: `demo-${randomUUID()}`, recordedAt: new Date() },
  };

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const [sent] = await producer.send({
    topic,
    acks: -1,
    messages: [{ key: eventKey(event), value: await wire.encode(event) }],
  });
  await producer.disconnect();
  logger.info(
    { topic, partition: sent?.partition, offset: sent?.baseOffset, eventId: event.envelope.eventId },
    'demo event produced',
  );

  const consumer = kafka.consumer({ groupId: `tsunagi-demo-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          const received = await wire.decode(message.value as Buffer);
          if (received.envelope.eventId !== event.envelope.eventId) return;
          logger.info(
            {
              topic,
              partition,
              offset: message.offset,
              type: received.type,
              eventId: received.envelope.eventId,
            },
            'demo event consumed and decoded',
          );
          resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
}

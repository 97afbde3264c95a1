import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { producerSlot } from '../../platform/kafka-producer.js';
import { createLogger } from '../../platform/logger.js';
import { startCheckpointPublisher } from './publisher.js';
import { createNoteSigner, generateSignerKey } from './signer.js';
import type { PublishedCheckpoint, TrailLogStore } from './store.js';

/** Kafka whose producers are numbered; the first producer's first send fails (a timeout that may have landed). */
function flakyKafka() {
  const sends: number[] = [];
  let made = 0;
  const kafka = {
    producer() {
      const id = ++made;
      let calls = 0;
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        async send() {
          calls++;
          if (id === 1 && calls === 1) throw new Error('Request Produce timed out');
          sends.push(id);
          return [];
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, sends };
}

describe('checkpoint publisher', () => {
  it('publishes the next checkpoint through a new producer after a failed send (never reusing its sequence numbers)', async () => {
    const { kafka, sends } = flakyKafka();
    let size = 3;
    const saved: PublishedCheckpoint[] = [];
    const store = {
      integrated: () => ({ size, root: new Uint8Array(32) }),
      latestCheckpoint: () => saved.at(-1),
      saveCheckpoint: (c: PublishedCheckpoint) => saved.push(c),
    } as unknown as TrailLogStore;
    const publisher = startCheckpointPublisher({
      store,
      signer: createNoteSigner(generateSignerKey('tsunagi.test/log').signerKey),
      producer: producerSlot(kafka, { idempotent: true }),
      topic: 'checkpoints',
      intervalMs: 60_000,
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
    try {
      await expect(publisher.publishNow()).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
      expect(saved).toEqual([]);
      size = 4;
      expect((await publisher.publishNow())?.size).toBe(4);
      expect(sends).toEqual([2]);
    } finally {
      await publisher.stop();
    }
  });
});

import type { Kafka, Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { producerSlot } from './kafka-producer.js';

function fakeKafka(options: { failConnects?: number } = {}) {
  let failConnects = options.failConnects ?? 0;
  const made: Array<{ id: number; connected: boolean; disconnected: boolean }> = [];
  const kafka = {
    producer: () => {
      const state = { id: made.length + 1, connected: false, disconnected: false };
      made.push(state);
      return {
        id: state.id,
        connect: async () => {
          if (failConnects-- > 0) throw new Error('connection refused');
          state.connected = true;
        },
        disconnect: async () => {
          state.disconnected = true;
        },
      } as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, made };
}
const idOf = (p: Producer) => (p as unknown as { id: number }).id;

describe('a producer slot (kafkajs reuses sequence numbers after a failed send)', () => {
  it('keeps one producer while sends succeed', async () => {
    const { kafka, made } = fakeKafka();
    const slot = producerSlot(kafka, { idempotent: true });
    expect(await slot.use(async (p) => idOf(p))).toBe(1);
    expect(await slot.use(async (p) => idOf(p))).toBe(1);
    expect(made).toHaveLength(1);
  });

  it('retires the producer after a failed send: the next send has a new producer (a new producer id)', async () => {
    const { kafka, made } = fakeKafka();
    const slot = producerSlot(kafka, { idempotent: true });
    await expect(
      slot.use(async () => {
        throw new Error('request timed out');
      }),
    ).rejects.toThrow('request timed out');
    expect(await slot.use(async (p) => idOf(p))).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(made[0]?.disconnected).toBe(true);
  });

  it('connects again after a failed connect, and disconnects on close', async () => {
    const { kafka, made } = fakeKafka({ failConnects: 1 });
    const slot = producerSlot(kafka, { idempotent: true });
    await expect(slot.use(async () => 'sent')).rejects.toThrow('connection refused');
    expect(await slot.use(async () => 'sent')).toBe('sent');
    await slot.close();
    expect(made.map((m) => m.disconnected)).toEqual([true, true]);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';

/**
 * How the broker answers a client, as the access tests ask it: each probe returns the broker's
 * error code (kafkajs `type`), or undefined when the broker allowed everything.
 */

/** The broker's error code, where kafkajs wraps it (a non-retriable error's cause). */
export function protocolError(error: unknown): string {
  for (
    let e = error as { type?: string; cause?: unknown; name?: string } | undefined;
    e;
    e = e.cause as typeof e
  )
    if (e.type) return e.type;
  return String((error as Error).name);
}

/** The protocol error a refused read gets: metadata and offsets are refused before any fetch. */
export async function readRefusal(kafka: Kafka, name: string, groupId: string): Promise<string | undefined> {
  const consumer = kafka.consumer({ groupId });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: name, fromBeginning: true });
    return undefined;
  } catch (error) {
    return protocolError(error);
  } finally {
    await consumer.disconnect();
  }
}

export async function readAll(
  kafka: Kafka,
  name: string,
  groupId: string,
  expected: number,
): Promise<string[]> {
  const consumer = kafka.consumer({ groupId });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: name, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
    for (let waited = 0; waited < 20_000 && values.length < expected; waited += 100) await sleep(100);
  } finally {
    await consumer.disconnect();
  }
  return values;
}

/** Joins the group and fetches every topic once: undefined when the broker allowed all of it. */
export async function fetchRefusal(
  kafka: Kafka,
  names: string[],
  groupId: string,
): Promise<string | undefined> {
  const consumer = kafka.consumer({ groupId });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: names, fromBeginning: true });
    return await new Promise<string | undefined>((resolve) => {
      consumer.on(consumer.events.CRASH, (event) => resolve(protocolError(event.payload.error)));
      // The first fetch after joining answered for every assigned partition.
      consumer.on(consumer.events.FETCH, () => resolve(undefined));
      consumer.run({ eachMessage: async () => undefined }).catch((error) => resolve(protocolError(error)));
    });
  } catch (error) {
    return protocolError(error);
  } finally {
    await consumer.disconnect();
  }
}

export async function writeRefusal(kafka: Kafka, name: string): Promise<string | undefined> {
  const producer = kafka.producer();
  try {
    await producer.connect();
    await producer.send({ topic: name, acks: -1, messages: [{ key: 'k', value: 'x' }] });
    return undefined;
  } catch (error) {
    return protocolError(error);
  } finally {
    await producer.disconnect();
  }
}

/** Why a connection attempt failed, or `connected`. */
export async function connectOutcome(kafka: Kafka): Promise<string> {
  const probe = kafka.admin();
  try {
    await probe.connect();
    await probe.listTopics();
    return 'connected';
  } catch (error) {
    return String((error as Error).message);
  } finally {
    await probe.disconnect().catch(() => undefined);
  }
}

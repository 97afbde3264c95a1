import type { Kafka, KafkaMessage } from 'kafkajs';
import { readToEnd } from '../../platform/read-to-end.js';

/** Every message on a topic up to its end offsets at the call, in partition then offset order. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
): Promise<Array<KafkaMessage & { partition: number }>> {
  const messages: Array<KafkaMessage & { partition: number }> = [];
  await readToEnd(
    kafka,
    topic,
    (message, partition) => void messages.push({ ...message, partition }),
    'test-read',
  );
  return messages.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

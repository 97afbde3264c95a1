/** Where one record sits in the log: what an append returns, what a reader sees, what a view keeps. */
export interface LogPosition {
  /** Full topic name (prefix included). */
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string (offsets can exceed 2^53). */
  offset: string;
}

/** What the broker acknowledged for one partition of one produce request. */
export interface PartitionAck {
  topicName: string;
  partition: number;
  baseOffset?: string;
}

/**
 * Positions of the records of one produce request, in the order they were given. A partition's
 * records of one request form one record batch, written in the order given, so the i-th record sent
 * to a partition has offset `baseOffset + i`. Throws when the acknowledgement does not cover a
 * partition that was written: that request must not count as appended.
 */
export function assignPositions(
  written: ReadonlyArray<{ topic: string; partition: number }>,
  acks: readonly PartitionAck[],
): LogPosition[] {
  const at = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  const byPartition = new Map(acks.map((ack) => [at(ack.topicName, ack.partition), ack]));
  const seen = new Map<string, bigint>();
  return written.map(({ topic, partition }) => {
    const ack = byPartition.get(at(topic, partition));
    if (ack?.baseOffset === undefined || ack.baseOffset === null || BigInt(ack.baseOffset) < 0n) {
      throw new Error(`no acknowledged offset for ${topic} partition ${partition}`);
    }
    const index = seen.get(at(topic, partition)) ?? 0n;
    seen.set(at(topic, partition), index + 1n);
    return { topic, partition, offset: (BigInt(ack.baseOffset) + index).toString() };
  });
}

/** `topic/partition`: how offsets owned by a reader's state are keyed. */
export const partitionKey = (topic: string, partition: number): string => `${topic}/${partition}`;

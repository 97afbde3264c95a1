/** Where one record sits in the trail: what the gateway returns to the agency and the resident sees. */
export interface TrailPosition {
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string. */
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
 * partition that was written: that request must not count as recorded.
 */
export function assignPositions(
  partitions: readonly number[],
  acks: readonly PartitionAck[],
): TrailPosition[] {
  const byPartition = new Map(acks.map((ack) => [ack.partition, ack]));
  const seen = new Map<number, bigint>();
  return partitions.map((partition) => {
    const ack = byPartition.get(partition);
    if (ack?.baseOffset === undefined || ack.baseOffset === null || BigInt(ack.baseOffset) < 0n) {
      throw new Error(`no acknowledged offset for partition ${partition}`);
    }
    const index = seen.get(partition) ?? 0n;
    seen.set(partition, index + 1n);
    return { topic: ack.topicName, partition, offset: (BigInt(ack.baseOffset) + index).toString() };
  });
}

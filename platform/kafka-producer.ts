import type { Kafka, Producer, ProducerConfig } from 'kafkajs';

/**
 * One idempotent kafkajs producer, connected on first use and RETIRED after any send that failed.
 *
 * Why: when a produce request fails, kafkajs 2.2.4 rolls its sequence numbers back, so the next send
 * (other records) goes out under the sequence numbers of the failed one. If the failed request had in
 * fact been appended by the leader — a timeout while the followers were down, the records committed
 * once they returned — the broker takes the new records for a retry of the old ones, answers with the
 * OLD records' offsets and drops the new ones: acknowledged, never written. Seen on the three-broker
 * cluster with two brokers down: an inquiry answered 200 with the trail position of another, refused
 * inquiry's record (tests/fault/inquiries.fault.test.ts). A new producer has a new producer id, so
 * nothing it sends can be taken for what the retired one wrote. kafkajs's own retries within one send
 * re-send the same records under the same numbers, which is what deduplication is for.
 */
export interface ProducerSlot {
  /** Runs `work` with the connected producer; if it throws, the producer is retired and the error rethrown. */
  use<T>(work: (producer: Producer) => Promise<T>): Promise<T>;
  /** Disconnects the current producer; a connect still trying is not waited for beyond `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

export function producerSlot(kafka: Kafka, config: ProducerConfig): ProducerSlot {
  let current: Promise<Producer> | undefined;
  const retire = (retired: Promise<Producer> | undefined) => {
    if (current === retired) current = undefined;
    void retired?.then((p) => p.disconnect()).catch(() => undefined);
  };
  const connected = (): Promise<Producer> => {
    if (!current) {
      const made = kafka.producer(config);
      const connecting = made.connect().then(
        () => made,
        async (cause: unknown) => {
          await made.disconnect().catch(() => undefined);
          throw cause;
        },
      );
      connecting.catch(() => retire(connecting));
      current = connecting;
    }
    return current;
  };
  return {
    async use(work) {
      const slot = connected();
      try {
        return await work(await slot);
      } catch (error) {
        retire(slot);
        throw error;
      }
    },
    async close(graceMs = 1_000) {
      const made = current;
      current = undefined;
      const disconnected = made?.then((p) => p.disconnect()).catch(() => undefined);
      await Promise.race([disconnected, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    },
  };
}

import { Gauge, Registry } from 'prom-client';
import type { TrailLogStore } from './store.js';
import { toBase64 } from './verifier/bytes.js';

/**
 * The log's two states, named as in tessera. "Sequenced": the trail topic acknowledged the entry
 * (acks=all) at offset N, which is its index; the sequenced size is the topic's high watermark.
 * "Integrated": the tree covers entries [0, size) and its root is stored. Sequenced ≥ integrated;
 * the difference is the work the follower has not done yet.
 */
export interface TrailLogStatus {
  sequencedSize: number;
  integratedSize: number;
  /** Entries sequenced but not yet integrated. */
  pending: number;
  /** Base64 root hash of the integrated tree. */
  integratedRoot: string;
}

/** Where the sequenced size comes from (the trail topic's high watermark). */
export type SequencedSize = () => Promise<number>;

export async function trailLogStatus(
  store: TrailLogStore,
  sequencedSize: SequencedSize,
): Promise<TrailLogStatus> {
  const integrated = store.integrated();
  const sequenced = await sequencedSize();
  return {
    sequencedSize: sequenced,
    integratedSize: integrated.size,
    pending: Math.max(0, sequenced - integrated.size),
    integratedRoot: toBase64(integrated.root),
  };
}

/**
 * Prometheus gauges `trail_log_sequenced_size` and `trail_log_integrated_size`, read at scrape time.
 * In their own registry, so a service can merge it into its /metrics.
 */
export function createTrailLogMetrics(
  store: TrailLogStore,
  sequencedSize: SequencedSize,
  registry = new Registry(),
): Registry {
  new Gauge({
    name: 'trail_log_sequenced_size',
    help: 'Entries the trail topic has acknowledged (its high watermark): the sequenced size',
    registers: [registry],
    async collect() {
      this.set(await sequencedSize());
    },
  });
  new Gauge({
    name: 'trail_log_integrated_size',
    help: 'Entries the Merkle tree covers: the integrated size',
    registers: [registry],
    collect() {
      this.set(store.integrated().size);
    },
  });
  return registry;
}

import type { EventStore } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';
import type { ViewDefinition } from '../platform/view.js';
import { createGeneration, promoteGeneration } from './generations.js';
import { createLmdbRunner } from './lmdb-runner.js';
import { createProjectionMetrics } from './metrics.js';
import { openStoreAt } from './store.js';

export interface ReplayResult {
  generation: string;
  /** Records read (the next offsets reached, summed over all partitions). */
  records: number;
  elapsedMs: number;
}

/**
 * Rebuilds a view from offset zero into a fresh generation, up to the end offsets seen when the
 * replay started, then promotes it atomically (generations.ts). A runner live on the old generation
 * notices the promotion at its next batch and continues on the new one from the new one's offsets,
 * so nothing is lost or applied twice; readers pick it up on their next refresh.
 */
export async function replayView<Row, E>(options: {
  view: ViewDefinition<Row, E>;
  store: Pick<EventStore, 'follow'>;
  storeRoot: string;
  logger: Logger;
  /** Build the generation but leave `current` alone (for comparisons). */
  promote?: boolean;
}): Promise<ReplayResult> {
  const started = performance.now();
  const generation = createGeneration(options.storeRoot, options.view.name);
  const runner = createLmdbRunner({ ...options, metrics: createProjectionMetrics(), replay: { generation } });
  await runner.start();
  await runner.finished;
  await runner.stop();
  const built = openStoreAt(generation, { readOnly: true });
  const records = [...built.offsets().values()].reduce((sum, next) => sum + Number(next), 0);
  await built.close();
  if (options.promote ?? true) promoteGeneration(options.storeRoot, options.view.name, generation);
  return { generation, records, elapsedMs: performance.now() - started };
}

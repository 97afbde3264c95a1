import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import type { ProjectionName } from '../../projections/catalogue.js';
import type { ProjectionViews } from '../../projections/views.js';
import { endOffsets } from './raw-kafka.js';

/**
 * Waits until each named view has committed, with its state, every record its topic held at the
 * call (lmdb positions against the topics' end offsets); returns when it happened (performance.now()).
 */
export async function viewsCaughtUp(
  kafka: Kafka,
  views: ProjectionViews,
  wanted: ReadonlyArray<{ projection: ProjectionName; topic: string }>,
  timeoutMs = 600_000,
  pollMs = 20,
): Promise<number> {
  const targets = await Promise.all(
    wanted.map(async (w) => ({ ...w, ends: await endOffsets(kafka, [w.topic]) })),
  );
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const done = targets.every(({ projection, ends }) => {
      const at = views.positions(projection);
      return [...ends].every(([tp, end]) => BigInt(at.get(tp) ?? '0') >= BigInt(end));
    });
    if (done) return performance.now();
    await sleep(pollMs);
  }
  throw new Error(
    `views not caught up within ${timeoutMs} ms: ${wanted.map((w) => w.projection).join(', ')}`,
  );
}

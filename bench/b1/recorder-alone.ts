import type { EventStore } from '../../platform/event-store.js';
import type { Logger } from '../../platform/logger.js';
import { testDisclosure } from '../../trail/log/testdata/disclosures.js';
import { createDisclosureRecorder } from '../../trail/recorder.js';
import { latencySummary, perSecond } from '../harness/stats.js';

/**
 * The gateway's trail recorder alone (trail/recorder.ts, as gateway/main.ts makes it), in this
 * process: `concurrency` callers each recording one disclosure and waiting for its acks=all position,
 * for `seconds`. It sits between raw kafkajs produce and the gateway, so the three figures say
 * where the time goes: the client library, the recorder's batching, or the rest of the gateway.
 */
export async function recorderAlone(
  deps: { store: Pick<EventStore, 'append'>; logger: Logger },
  concurrency: number,
  seconds: number,
) {
  const recorder = createDisclosureRecorder(deps);
  await recorder.record(testDisclosure(0)); // connect outside the measured window
  const latencies: number[] = [];
  const began = performance.now();
  const until = began + seconds * 1000;
  let n = 1;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const sent = performance.now();
        await recorder.record(testDisclosure(n++));
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const elapsed = performance.now() - began;
  await recorder.close();
  return { perSecond: perSecond(latencies.length, elapsed), ...latencySummary(latencies) };
}

import { DEFAULT_DELIVERY, type DeliverySettings } from '../consumers/subscription-service.js';
import { isTsunagiError } from '../core/errors.js';
import { createKeyedQueue } from '../core/keyed-queue.js';
import type { EventStore } from '../platform/event-store.js';
import { Topics } from '../schemas/topics.js';
import { issueNotices, type NoticeDeps, type SourceRecord } from './issue.js';

/**
 * Follows resident-records and information-items and issues eligibility notices, one fetched batch at
 * a time, in order (one partition's batch after another: the facts store has one writer). Crash-safe,
 * at least once: a batch's offset is committed only after its notices were recorded, issued,
 * delivered and marked; a batch done again finds its notices marked (or gives the same ids).
 * Triggers parked for want of facts (docs/notices.md) are evaluated again with every batch and by a
 * sweep every `sweepEveryMs`. A fetch waits for `roundMinBytes` or `roundWaitMs`, as the subscription service's rounds do, so an
 * agency's deliveries arrive in batches whose order and arrival say little (docs/subscriptions.md).
 */
export async function startNoticesService(
  deps: NoticeDeps & {
    log: Pick<EventStore, 'follow'>;
    topicPrefix: string;
    /** Default `notices.<prefix>`: one group per environment. */
    groupId?: string;
    fromBeginning?: boolean;
    delivery?: Partial<DeliverySettings>;
    /** How often triggers waiting for facts are evaluated again without a new batch; default 5 s. */
    sweepEveryMs?: number;
  },
): Promise<{ stop(): Promise<void> }> {
  const logger = deps.logger.child({ component: 'notices-service' });
  const delivery = { ...DEFAULT_DELIVERY, ...deps.delivery };
  // Batches and sweeps take turns: the facts store has one writer and each step sees the last one's state.
  const serial = createKeyedQueue();
  const issue = (records: readonly SourceRecord[]) =>
    serial.run('notices', () => issueNotices(records, { ...deps, logger }));
  const following = await deps.log.follow(
    [Topics.residentRecords, Topics.informationItems],
    {
      kind: 'committed',
      group: deps.groupId ?? `notices.${deps.topicPrefix}`,
      initial: deps.fromBeginning ? 'earliest' : 'latest',
    },
    async (batch, context) => {
      const records: SourceRecord[] = batch.records.flatMap((r) =>
        r.kind === 'event'
          ? [{ event: r.event, position: `${r.position.topic}/${r.position.partition}@${r.position.offset}` }]
          : [],
      );
      await issue(records);
      await context.heartbeat();
    },
    { minBytes: delivery.roundMinBytes, maxWaitMs: delivery.roundWaitMs },
  );
  const sweep = setInterval(() => {
    issue([]).catch((error: unknown) =>
      logger.warn(
        {
          code: isTsunagiError(error) ? error.code : 'INTERNAL',
          err: { message: error instanceof Error ? error.message : String(error) },
        },
        'sweep of waiting triggers failed',
      ),
    );
  }, deps.sweepEveryMs ?? 5_000);
  sweep.unref();
  return {
    async stop() {
      clearInterval(sweep);
      await following.stop();
      await serial.run('notices', async () => undefined);
    },
  };
}

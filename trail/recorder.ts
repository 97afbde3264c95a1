import { isTsunagiError, TsunagiError } from '../core/errors.js';
import type { EventStore } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';
import type { DisclosureRecorded } from '../schemas/events.js';
import type { TrailPosition } from './positions.js';

export type { TrailPosition } from './positions.js';

/**
 * Appends disclosure records to the access trail. "No trail, no answer": `record` resolves only
 * after the broker acknowledged THIS record with acks=all, with its position; otherwise it rejects
 * with TRAIL_UNAVAILABLE within `timeoutMs`, and the caller must not disclose.
 */
export interface DisclosureRecorder {
  record(event: DisclosureRecorded): Promise<TrailPosition>;
  close(): Promise<void>;
}

export interface RecorderDeps {
  /** The event store of this process (its batching queue is shared with every other appender). */
  store: Pick<EventStore, 'append'>;
  logger: Logger;
  /** How long a caller waits for its acknowledgement, encoding included; default 5 s. */
  timeoutMs?: number;
}

/**
 * The event store's append with the trail's deadline and error code. Guarantees (platform/event-store.ts):
 * records of concurrent callers are sent together but each caller hears only about its own record;
 * a record whose caller already gave up before it was sent is not sent at all (its answer was
 * refused, so the trail must not claim a disclosure). A record in flight when its caller gives up may
 * still land in the trail: the trail may over-state, never under-state, disclosures.
 */
export function createDisclosureRecorder(deps: RecorderDeps): DisclosureRecorder {
  const logger = deps.logger.child({ component: 'trail-recorder' });
  const timeoutMs = deps.timeoutMs ?? 5_000;
  let closed = false;
  return {
    async record(event) {
      if (closed) throw new TsunagiError('TRAIL_UNAVAILABLE', 'the trail recorder is closed');
      try {
        const [position] = await deps.store.append([event], { timeoutMs });
        return position as TrailPosition;
      } catch (cause) {
        if (isTsunagiError(cause) && cause.code === 'INPUT_INVALID') throw cause;
        logger.warn({ err: { message: String(cause) } }, 'trail append failed');
        throw new TsunagiError(
          'TRAIL_UNAVAILABLE',
          isTsunagiError(cause) && cause.code === 'BROKER_UNAVAILABLE'
            ? 'the access trail did not acknowledge the record'
            : 'the disclosure record could not be encoded for the trail',
          { cause },
        );
      }
    },
    async close() {
      closed = true;
    },
  };
}

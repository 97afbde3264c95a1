import type { EventStore } from '../platform/event-store.js';
import type { SecurityEventLog } from './security-audit.js';

/**
 * The security-audit topic (`<TOPIC_PREFIX>security-audit`, routed by EVENT_SUBJECTS) through the
 * process's event store: idempotent producer, acks=all, Avro framed by the registry's schema id.
 * Closing it leaves the store open: the process closes the store last.
 */
export function kafkaSecurityEventLog(deps: { store: Pick<EventStore, 'append'> }): SecurityEventLog {
  return {
    async append(events) {
      await deps.store.append(events, { timeoutMs: 10_000 });
    },
    close: async () => undefined,
  };
}

import type { EventStore } from '../platform/event-store.js';
import { followTopic } from '../platform/follow-topic.js';
import { Topics } from '../schemas/topics.js';
import type { LedgerLog } from './commands.js';
import type { LedgerView } from './view.js';

/** The ledger log over the event store: one change per append, its offset from the acknowledgement. */
export const storeLedgerLog = (store: Pick<EventStore, 'append'>): LedgerLog => ({
  async append(event) {
    const [position] = await store.append([event]);
    return BigInt(position?.offset ?? '-1');
  },
});

/**
 * Keeps a ledger view current from the resident-ledger topic (read whole at start, then followed).
 * `groupPrefix` is the reading principal's own (gateway-ledger-, notices-ledger-).
 */
export function followLedger(deps: {
  store: Pick<EventStore, 'follow'>;
  view: LedgerView;
  groupPrefix: string;
}): Promise<{ stop(): Promise<void> }> {
  return followTopic({
    store: deps.store,
    topic: Topics.residentLedger,
    groupPrefix: deps.groupPrefix,
    onEvent: (event, at) => {
      if (event.type === 'ResidentLedgerChanged') deps.view.apply(event, at.offset);
    },
  });
}

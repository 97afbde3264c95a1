import type { Kafka } from 'kafkajs';
import type { EventWire } from '../platform/event-wire.js';
import { followTopic } from '../platform/follow-topic.js';
import type { Logger } from '../platform/logger.js';
import type { EventPublisher } from '../producers/publisher.js';
import type { LedgerLog } from './commands.js';
import type { LedgerView } from './view.js';

/** The ledger log over the event publisher: one change per append, its offset from the receipt. */
export const publisherLedgerLog = (publisher: Pick<EventPublisher, 'publish'>): LedgerLog => ({
  async append(event) {
    const [receipt] = await publisher.publish([event]);
    return BigInt(receipt?.baseOffset ?? '-1');
  },
});

/**
 * Keeps a ledger view current from the resident-ledger topic (read whole at start, then followed).
 * `groupPrefix` is the reading principal's own (gateway-ledger-, notices-ledger-).
 */
export function followLedger(deps: {
  kafka: Kafka;
  wire: EventWire;
  topic: string;
  view: LedgerView;
  groupPrefix: string;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  return followTopic({
    ...deps,
    what: 'ledger',
    onEvent: (event, at) => {
      if (event.type === 'ResidentLedgerChanged') deps.view.apply(event, at.offset);
    },
  });
}

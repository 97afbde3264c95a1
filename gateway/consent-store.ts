import type { Clock } from '../core/clock.js';
import type { CommandStore } from '../core/command.js';
import type { ConsentEvent, ConsentEventDraft } from '../core/consent/types.js';
import { createKeyedQueue } from '../core/keyed-queue.js';
import { toConsentEvent } from '../projections/consents.js';
import type { ConsentEventRecord, ConsentLog } from './consent-log.js';
import type { ConsentView } from './consent-view.js';

/** What an append needs besides the drafts: the command's instant and the request it serves. */
export interface ConsentAppendMeta {
  at: Date;
  correlationId: string;
}

export type ConsentStore = CommandStore<ConsentEventDraft, ConsentEvent, ConsentAppendMeta>;

/**
 * The consent streams for `handleCommand`: read from the in-memory view of the consents topic,
 * appended through the consent log (acks=all) and applied to the view before the append resolves,
 * so the next command on the consent decides on them. Commands on one consent run one at a time in
 * this process (a keyed queue); docs/gateway.md says what that means with several gateway instances.
 */
export function createConsentStore(deps: {
  view: ConsentView;
  log: ConsentLog;
  clock: Clock;
  ids: () => string;
  producer?: string;
}): ConsentStore {
  const queue = createKeyedQueue();
  const producer = deps.producer ?? 'gateway';
  return {
    readStream: (consentId) => deps.view.readStream(consentId),
    async appendToStream(_consentId, drafts, meta) {
      const records = drafts.map(
        (draft) =>
          ({
            ...draft,
            envelope: {
              eventId: deps.ids(),
              occurredAt: meta.at,
              recordedAt: deps.clock.now(),
              producer,
              correlationId: meta.correlationId,
            },
          }) as ConsentEventRecord,
      );
      await deps.log.append(records);
      for (const record of records) deps.view.apply(record);
      return records.map((record) => toConsentEvent(record) as ConsentEvent);
    },
    exclusive: (consentId, work) => queue.run(consentId, work),
  };
}

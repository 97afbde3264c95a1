import type { Clock } from '../core/clock.js';
import type { CommandStore } from '../core/command.js';
import type { Consent, ConsentEvent, ConsentEventDraft } from '../core/consent/types.js';
import { createKeyedQueue } from '../core/keyed-queue.js';
import type { EventStore } from '../platform/event-store.js';
import type { MemoryView } from '../platform/memory-view.js';
import { consentKey, consentStream, toConsentEvent } from '../projections/consents.js';
import type { ConsentGranted, ConsentRevoked, ConsentUsed } from '../schemas/events.js';

/** What an append needs besides the drafts: the command's instant and the request it serves. */
export interface ConsentAppendMeta {
  at: Date;
  correlationId: string;
}

export type ConsentStore = CommandStore<ConsentEventDraft, ConsentEvent, ConsentAppendMeta>;

/** How long a consent command waits for the consents topic's acknowledgement. */
const APPEND_TIMEOUT_MS = 5_000;

/**
 * The consent streams for `handleCommand`, one resident at a time: read from the consents view in
 * memory (projections/consents.ts, kept current from the topic by gateway/main.ts), appended through
 * the event store (acks=all) and applied to the view at their acknowledged positions before the
 * append resolves, so the next command on the consent decides on them (read-your-writes). Commands
 * on one consent run one at a time in this process (a keyed queue); docs/gateway.md says what that
 * means with several gateway instances.
 */
export function createConsentStore(deps: {
  view: MemoryView<Consent>;
  store: Pick<EventStore, 'append'>;
  clock: Clock;
  ids: () => string;
  producer?: string;
}): { forResident(linkageId: string): ConsentStore } {
  const queue = createKeyedQueue();
  const producer = deps.producer ?? 'gateway';
  return {
    forResident: (linkageId) => ({
      readStream: (consentId) => consentStream(deps.view.get(consentKey(linkageId, consentId))),
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
            }) as ConsentGranted | ConsentRevoked | ConsentUsed,
        );
        const positions = await deps.store.append(records, { timeoutMs: APPEND_TIMEOUT_MS });
        records.forEach((record, i) => {
          const at = positions[i];
          if (at) deps.view.apply(record, at);
        });
        return records.map((record) => toConsentEvent(record) as ConsentEvent);
      },
      exclusive: (consentId, work) => queue.run(consentId, work),
    }),
  };
}

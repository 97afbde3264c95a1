import { createHash } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { EventEnvelope } from '../../schemas/events.js';

/**
 * The same export row always gets the same event id, so re-ingesting a file yields the same
 * ids and consumers can drop the duplicates. The natural key names the resident by linkage id,
 * never by My Number: a hash of a My Number could be reversed by trying all 10^11 of them.
 */
export function deterministicEventId(
  system: string,
  sourceMunicipalityCode: string,
  naturalKey: readonly (string | number)[],
): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([system, sourceMunicipalityCode, ...naturalKey]))
    .digest('hex');
  return `evt-${digest.slice(0, 32)}`;
}

/** What the caller knows and the row does not: who the resident is inside the hub, and who produces. */
export interface EventContext {
  /** Resolved by the caller through the identity vault from the row's My Number. */
  linkageId: string;
  /** The producer's name, e.g. `producer-juki-131016`. */
  producer: string;
  clock: Clock;
  /** Defaults to the event id: one row, one causal chain. */
  correlationId?: string;
}

/** Export dates are Japanese calendar dates: the event occurred at the start of that day in JST. */
export const startOfDayJst = (date: string): Date => new Date(`${date}T00:00:00+09:00`);

export function envelopeFor(eventId: string, effectiveDate: string, ctx: EventContext): EventEnvelope {
  return {
    eventId,
    occurredAt: startOfDayJst(effectiveDate),
    recordedAt: ctx.clock.now(),
    producer: ctx.producer,
    correlationId: ctx.correlationId ?? eventId,
  };
}

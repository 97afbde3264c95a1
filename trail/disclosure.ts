import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { TsunagiError } from '../core/errors.js';
import { type DisclosureRecorded, EventSchemas } from '../schemas/events.js';

/**
 * What the gateway knows about one disclosure decision; the envelope comes from `DisclosureMeta`.
 * The schema's input shape: fields added in later versions (consentId, nonDisclosureReason, …) may be
 * left out and take their defaults (null).
 */
export type DisclosureFacts = z.input<typeof EventSchemas.DisclosureRecorded>['data'];

export interface DisclosureMeta {
  eventId: string;
  /** When the record is made (the injected clock): the envelope's recordedAt. */
  at: Date;
  /** When the request arrived (the envelope's occurredAt); default `at`. Analytics' latency is the difference. */
  receivedAt?: Date;
  /** The service recording it, e.g. `gateway`. */
  producer: string;
  /** The request id, so all items of one inquiry can be found together. */
  correlationId: string;
}

/** SHA-256 of exactly the bytes that were disclosed. */
export const digestOf = (bytes: Uint8Array | string): Uint8Array =>
  new Uint8Array(createHash('sha256').update(bytes).digest());

/**
 * Builds a DisclosureRecorded event and validates it against the event schema. A failure is a
 * programming error (INTERNAL), never the caller's: the facts come from the gateway's own decision.
 */
export function disclosureRecorded(facts: DisclosureFacts, meta: DisclosureMeta): DisclosureRecorded {
  const candidate = {
    type: 'DisclosureRecorded' as const,
    envelope: {
      eventId: meta.eventId,
      occurredAt: meta.receivedAt ?? meta.at,
      recordedAt: meta.at,
      producer: meta.producer,
      correlationId: meta.correlationId,
    },
    data: facts,
  };
  const parsed = EventSchemas.DisclosureRecorded.safeParse(candidate);
  if (!parsed.success) {
    const path = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new TsunagiError('INTERNAL', `a disclosure record is invalid at ${path}`, { path });
  }
  return parsed.data;
}

import { createHash } from 'node:crypto';
import type { ErrorCode } from '../core/errors.js';
import type { DeadLetterRecorded } from '../schemas/events.js';
import type { LogPosition } from './positions.js';

/**
 * The dead letter of a record a reader could not decode (wrong magic byte, unknown schema id,
 * truncated or malformed Avro). It names the record by its position and copies none of its bytes or
 * its key: the record stays on its topic, under that topic's access rules and retention, and may hold
 * personal data. The id is a hash of the position, so every reader and every replay that meets the
 * same record gives the same letter.
 */
export function undecodableRecordLetter(
  position: LogPosition,
  code: ErrorCode,
  producer: string,
  now: Date,
): DeadLetterRecorded {
  const source = `${position.topic}:${position.partition}:${position.offset}`;
  const eventId = `dlq-${createHash('sha256').update(`undecodable\0${source}`).digest('hex').slice(0, 32)}`;
  return {
    type: 'DeadLetterRecorded',
    envelope: { eventId, occurredAt: now, recordedAt: now, producer, correlationId: eventId },
    data: {
      source,
      reason: `undecodable record (${code}): it stays on its topic at this position; readers go on past it`,
      errorCode: code,
      originalBytes: new Uint8Array(0),
      originalKey: null,
      file: null,
      line: null,
      field: null,
      sealedOriginal: null,
    },
  };
}

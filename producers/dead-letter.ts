import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { ErrorCode } from '../core/errors.js';
import type { DeadLetterRecorded } from '../schemas/events.js';

/** Twelve digits, ASCII or full-width, optionally grouped 4-4-4 by a hyphen or a space. */
const DIGIT = '[0-9\\uFF10-\\uFF19]';
const MY_NUMBER_LIKE = new RegExp(`${DIGIT}{4}[- ]?${DIGIT}{4}[- ]?${DIGIT}{4}`, 'gu');

/**
 * The original bytes of a rejected row, with anything shaped like a My Number masked by '*'.
 * The dead-letter topic keeps everything else byte for byte; the source (file:line) points
 * back to the unmasked row held by the municipality. No My Number on any topic, including
 * an invalid one: a number with a wrong check digit is still somebody's number mistyped.
 */
export function maskMyNumbers(original: Uint8Array): Buffer {
  const bytes = Buffer.from(original);
  const text = bytes.toString('utf8');
  const valid = Buffer.from(text, 'utf8').equals(bytes);
  // Bytes that are not UTF-8 are masked as Latin-1, which keeps their length and other bytes.
  const encoding = valid ? 'utf8' : 'latin1';
  const source = valid ? text : bytes.toString('latin1');
  return Buffer.from(
    source.replace(MY_NUMBER_LIKE, (run) => '*'.repeat([...run].length)),
    encoding,
  );
}

export interface DeadLetterInput {
  /** Where the input came from: `file:line`, or `topic:partition:offset`. */
  source: string;
  /** What was wrong and where; never the value itself. */
  reason: string;
  errorCode: ErrorCode;
  originalBytes: Uint8Array;
  originalKey?: Uint8Array | null;
}

/** A dead letter with a deterministic id: rejecting the same line twice yields the same event. */
export function deadLetterEvent(input: DeadLetterInput, producer: string, clock: Clock): DeadLetterRecorded {
  const originalBytes = maskMyNumbers(input.originalBytes);
  const eventId = `dlq-${createHash('sha256').update(input.source).update('\0').update(originalBytes).digest('hex').slice(0, 32)}`;
  const now = clock.now();
  return {
    type: 'DeadLetterRecorded',
    envelope: { eventId, occurredAt: now, recordedAt: now, producer, correlationId: eventId },
    data: {
      source: input.source,
      reason: input.reason,
      errorCode: input.errorCode,
      originalBytes,
      originalKey: input.originalKey ? maskMyNumbers(input.originalKey) : null,
    },
  };
}

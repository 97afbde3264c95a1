import { describe, expect, it } from 'vitest';
import { avroType, decodeEvent, encodeEvent, toAvroRecord } from './codec.js';
import type { AgencyNotified, DeadLetterRecorded } from './events.js';
import { SAMPLE_EVENTS } from './testing/samples.js';

/** Both v2 subjects only add fields with a null default: readable in both directions. */
describe.each([
  { subject: 'agency-notification', added: ['effectiveDate'] },
  { subject: 'dead-letter', added: ['file', 'line', 'field', 'sealedOriginal'] },
])('$subject v1 ↔ v2 (BACKWARD and FORWARD compatible)', ({ subject, added }) => {
  const v1 = avroType(subject, 1);
  const v2 = avroType(subject, 2);
  const latest = SAMPLE_EVENTS[subject]?.[2] as AgencyNotified | DeadLetterRecorded;

  it('given v2 data, a v1 reader reads it and drops the new fields', () => {
    const read = v1.fromBuffer(v2.toBuffer(toAvroRecord(latest)), v1.createResolver(v2));
    for (const field of added) expect(read[field]).toBeUndefined();
    expect(read.envelope.eventId).toBe(latest.envelope.eventId);
  });

  it('given v1 data, the current reader reads it with the new fields null', () => {
    const event = decodeEvent(subject, 1, encodeEvent(latest, 1));
    for (const field of added) expect((event.data as Record<string, unknown>)[field]).toBeNull();
  });

  it('encodes at v2 by default, keeping the new fields', () => {
    expect(decodeEvent(subject, 2, encodeEvent(latest))).toEqual(latest);
  });
});

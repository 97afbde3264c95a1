import { describe, expect, it } from 'vitest';
import { avroType, decodeEvent, encodeEvent, toAvroRecord } from './codec.js';
import type { DisclosureRecorded, TsunagiEvent } from './events.js';
import { SAMPLE_EVENTS } from './testing/samples.js';

/**
 * The three v3 subjects only add enum symbols (issue 15): BACKWARD compatible, and records already
 * written keep their bytes. Not FORWARD: avsc (our codec) refuses to resolve a v3 writer into a v2
 * reader at all, so every reader of these topics needs v3 before a producer writes it.
 */
describe.each([
  { subject: 'consent-granted', added: 'PUBLIC_MONEY_ACCOUNT' },
  { subject: 'agency-notification', added: 'PUBLIC_MONEY_ACCOUNT' },
  { subject: 'disclosure-recorded', added: 'LINKING' },
])('$subject v2 → v3 (symbols added)', ({ subject, added }) => {
  const v2 = avroType(subject, 2);
  const v3 = avroType(subject, 3);
  const earlier = SAMPLE_EVENTS[subject]?.[2] as TsunagiEvent;

  it('given v2 data, the v3 reader reads it unchanged', () => {
    expect(decodeEvent(subject, 2, encodeEvent(earlier, 2))).toEqual(earlier);
  });

  it('given v3 data with old symbols only, the body is byte for byte the v2 body', () => {
    expect(encodeEvent(earlier, 3).equals(encodeEvent(earlier, 2))).toBe(true);
  });

  it('a v2 reader cannot resolve the v3 writer: readers are rolled out first', () => {
    expect(() => v2.createResolver(v3)).toThrow(/DisclosableItem|DisclosureChannel/);
  });

  it(`v3 holds ${added}; v2 cannot encode it (roll readers out first)`, () => {
    expect(JSON.stringify(v3.schema())).toContain(added);
    expect(JSON.stringify(v2.schema())).not.toContain(added);
  });
});

describe('disclosure-recorded v3: a link in the trail', () => {
  const link = SAMPLE_EVENTS['disclosure-recorded']?.[3] as DisclosureRecorded;

  it('round-trips channel LINKING and item AGENCY_CODE', () => {
    expect(decodeEvent('disclosure-recorded', 3, encodeEvent(link))).toEqual(link);
  });

  it('cannot be written at v2, which has no such symbols: the field is named', () => {
    expect(() => encodeEvent(link, 2)).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID', path: 'itemKind' }),
    );
    expect(avroType('disclosure-recorded', 2).isValid(toAvroRecord(link))).toBe(false);
  });
});

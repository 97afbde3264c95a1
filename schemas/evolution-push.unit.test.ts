import { describe, expect, it } from 'vitest';
import { avroType, decodeEvent, encodeEvent, toAvroRecord } from './codec.js';
import type { DisclosureRecorded, TsunagiEvent } from './events.js';
import { SAMPLE_EVENTS } from './testing/samples.js';

/**
 * The subjects issue 15 changed only add enum symbols: BACKWARD compatible, and records already
 * written keep their bytes. Not FORWARD: avsc (our codec) refuses to resolve the newer writer into
 * the older reader at all, so every reader of these topics needs the new version before a producer
 * writes it. disclosure-recorded is v4 (main's v3 added refusalDetail first).
 */
describe.each([
  { subject: 'consent-granted', from: 2, to: 3, added: 'PUBLIC_MONEY_ACCOUNT' },
  { subject: 'agency-notification', from: 2, to: 3, added: 'PUBLIC_MONEY_ACCOUNT' },
  { subject: 'disclosure-recorded', from: 3, to: 4, added: 'LINKING' },
])('$subject v$from → v$to (symbols added)', ({ subject, from, to, added }) => {
  const older = avroType(subject, from);
  const newer = avroType(subject, to);
  const earlier = SAMPLE_EVENTS[subject]?.[from] as TsunagiEvent;

  it('given older data, the newer reader reads it unchanged', () => {
    expect(decodeEvent(subject, from, encodeEvent(earlier, from))).toEqual(earlier);
  });

  it('given newer data with old symbols only, the body is byte for byte the older body', () => {
    expect(encodeEvent(earlier, to).equals(encodeEvent(earlier, from))).toBe(true);
  });

  it('an older reader cannot resolve the newer writer: readers are rolled out first', () => {
    expect(() => older.createResolver(newer)).toThrow(/DisclosableItem|DisclosureChannel/);
  });

  it(`the newer version holds ${added}; the older cannot encode it (roll readers out first)`, () => {
    expect(JSON.stringify(newer.schema())).toContain(added);
    expect(JSON.stringify(older.schema())).not.toContain(added);
  });
});

describe('disclosure-recorded v4: a link in the trail', () => {
  const link = SAMPLE_EVENTS['disclosure-recorded']?.[4] as DisclosureRecorded;

  it('round-trips channel LINKING and item AGENCY_CODE', () => {
    expect(decodeEvent('disclosure-recorded', 4, encodeEvent(link))).toEqual(link);
  });

  it('cannot be written at v3, which has no such symbols: the field is named', () => {
    expect(() => encodeEvent(link, 3)).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID', path: 'itemKind' }),
    );
    expect(avroType('disclosure-recorded', 3).isValid(toAvroRecord(link))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { listSubjects } from './catalogue.js';
import { decodeEvent, encodeEvent } from './codec.js';
import { EVENT_SUBJECTS, eventFromJson, eventToJson } from './events.js';
import { fixtureOf, readFixture } from './testing/fixtures.js';
import { SAMPLE_EVENTS } from './testing/samples.js';

const ours = new Set<string>(Object.values(EVENT_SUBJECTS).map((s) => s.subject));
const cases = listSubjects()
  .filter((s) => ours.has(s.subject))
  .flatMap((s) => s.versions.map((version) => ({ subject: s.subject, version })));

describe('golden fixtures', () => {
  it('exist for every version of every event subject', () => {
    expect(cases.length).toBeGreaterThanOrEqual(9);
    for (const { subject, version } of cases) expect(SAMPLE_EVENTS[subject]?.[version]).toBeDefined();
  });

  it.each(cases)('$subject v$version: the JSON event encodes to the golden bytes', ({ subject, version }) => {
    const fixture = readFixture(subject, version);
    expect(encodeEvent(eventFromJson(fixture.json), version).toString('hex')).toBe(fixture.hex);
  });

  it.each(cases)('$subject v$version: the golden bytes decode to the JSON event', ({ subject, version }) => {
    const fixture = readFixture(subject, version);
    const decoded = decodeEvent(subject, version, Buffer.from(fixture.hex, 'hex'));
    // Decoding resolves into the current version; what an older version could not carry comes
    // back as the new field's default, which is what the older fixture holds.
    expect(eventToJson(decoded)).toEqual(fixture.json);
  });

  it.each(cases)(
    '$subject v$version: the samples still produce the committed fixture',
    ({ subject, version }) => {
      const sample = SAMPLE_EVENTS[subject]?.[version];
      if (!sample) throw new Error('missing sample');
      const { json, hex } = readFixture(subject, version);
      expect(fixtureOf(subject, version, sample)).toEqual({ subject, version, json, hex });
    },
  );
});

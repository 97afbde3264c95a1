import { describe, expect, it } from 'vitest';
import { listSubjects, loadSchema } from './catalogue.js';
import { EVENT_SUBJECTS } from './events.js';

const envelopeOf = (subject: string, version: number) =>
  loadSchema(subject, version).fields.find((field) => field.name === 'envelope');

describe('the common Envelope', () => {
  // Every event subject must carry it; any other subject that declares one (identity's internal
  // vault subjects do not) must declare the same.
  const eventSubjects = new Set<string>(Object.values(EVENT_SUBJECTS).map((s) => s.subject));
  const files = listSubjects()
    .filter((s) => eventSubjects.has(s.subject) || envelopeOf(s.subject, s.latest) !== undefined)
    .flatMap((s) => s.versions.map((version) => ({ subject: s.subject, version })));
  const reference = envelopeOf('resident-record-changed', 1);

  it('has the agreed fields and logical types', () => {
    expect(reference?.type).toMatchObject({
      type: 'record',
      name: 'Envelope',
      fields: [
        { name: 'eventId', type: 'string' },
        { name: 'type', type: 'string' },
        { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'recordedAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'producer', type: 'string' },
        { name: 'correlationId', type: 'string' },
      ],
    });
  });

  it('is checked in every event subject', () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
  });

  it.each(files)('is defined identically, first, in $subject v$version', ({ subject, version }) => {
    const schema = loadSchema(subject, version);
    expect(schema.namespace).toBe('jp.tsunagi.events');
    expect(schema.fields[0]?.name).toBe('envelope');
    expect(envelopeOf(subject, version)).toEqual(reference);
  });
});

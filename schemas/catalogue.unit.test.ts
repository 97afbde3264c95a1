import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestSchemas, listSubjects, loadSchema, registrySubject } from './catalogue.js';
import { EVENT_SUBJECTS } from './events.js';

describe('schema catalogue', () => {
  it('lists every event subject with its versions, the current one among them', () => {
    const subjects = new Map(listSubjects().map((s) => [s.subject, s]));
    for (const { subject, version } of Object.values(EVENT_SUBJECTS)) {
      expect(subjects.get(subject)?.versions).toContain(version);
    }
    expect(subjects.get('consent-granted')).toEqual({
      subject: 'consent-granted',
      versions: [1, 2],
      latest: 2,
    });
    expect(subjects.has('testdata')).toBe(false);
  });

  it('discovers subjects from version files only, in numeric order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsunagi-catalogue-'));
    mkdirSync(join(dir, 'alpha', 'fixtures'), { recursive: true });
    mkdirSync(join(dir, 'empty'));
    const schema = JSON.stringify({ type: 'record', name: 'Alpha', fields: [] });
    for (const file of ['v1.avsc', 'v2.avsc', 'v10.avsc', 'v0.avsc', 'notes.md']) {
      writeFileSync(join(dir, 'alpha', file), schema);
    }
    expect(listSubjects(dir)).toEqual([{ subject: 'alpha', versions: [1, 2, 10], latest: 10 }]);
    expect(latestSchemas(dir)[0]?.schema.name).toBe('Alpha');
  });

  it('loads a version as parsed JSON', () => {
    expect(loadSchema('consent-granted', 2).fields.map((f) => f.name)).toContain('channel');
  });

  it.each([
    ['consent-granted', 9],
    ['no-such-subject', 1],
    ['../etc', 1],
    ['consent-granted', 0],
  ])('refuses %s v%s with SCHEMA_NOT_FOUND', (subject, version) => {
    expect(() => loadSchema(subject, version)).toThrow(expect.objectContaining({ code: 'SCHEMA_NOT_FOUND' }));
  });

  it('names registry subjects tsunagi.<subject>', () => {
    expect(registrySubject('disclosure-recorded')).toBe('tsunagi.disclosure-recorded');
  });
});

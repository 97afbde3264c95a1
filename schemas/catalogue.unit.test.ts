import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  latestSchemas,
  listSubjects,
  loadSchema,
  recordNames,
  registrySubject,
  subjectOfRecord,
} from './catalogue.js';
import { EVENT_SUBJECTS } from './events.js';

describe('schema catalogue', () => {
  it('lists every event subject with its versions, the current one among them', () => {
    const subjects = new Map(listSubjects().map((s) => [s.subject, s]));
    for (const { subject, version } of Object.values(EVENT_SUBJECTS)) {
      expect(subjects.get(subject)?.versions).toContain(version);
    }
    expect(subjects.get('consent-granted')).toEqual({
      subject: 'consent-granted',
      versions: [1, 2, 3],
      latest: 3,
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

  it('names registry subjects by RecordNameStrategy: the record full name, whatever the topic or prefix', () => {
    expect(registrySubject('disclosure-recorded')).toBe('jp.tsunagi.events.DisclosureRecorded');
    expect(registrySubject('consent-granted')).toBe('jp.tsunagi.events.ConsentGranted');
    expect(registrySubject('identity-enrolled')).toBe('jp.tsunagi.identity.IdentityEnrolled');
    expect(registrySubject('agency-code-issued')).toBe('jp.tsunagi.identity.AgencyCodeIssued');
    expect(subjectOfRecord('jp.tsunagi.events.ConsentRevoked')).toBe('consent-revoked');
    expect(subjectOfRecord('jp.tsunagi.events.Envelope')).toBeUndefined();
  });

  it('gives every schema folder its own record name, the same in all its versions', () => {
    const names = [...recordNames().values()];
    expect(names).toHaveLength(listSubjects().length);
    expect(new Set(names).size).toBe(names.length);
  });

  const folderWith = (files: Record<string, object>) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsunagi-catalogue-'));
    for (const [path, schema] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), JSON.stringify({ type: 'record', fields: [], ...schema }));
    }
    return dir;
  };

  it('refuses two folders that define the same record (they would share one subject)', () => {
    const dir = folderWith({
      'alpha/v1.avsc': { name: 'Same', namespace: 'jp.test' },
      'beta/v1.avsc': { name: 'jp.test.Same' },
    });
    expect(() => recordNames(dir)).toThrow(
      expect.objectContaining({
        code: 'SCHEMA_INCOMPATIBLE',
        message: 'beta and alpha both define jp.test.Same: record names must be unique across subjects',
      }),
    );
  });

  it('refuses a folder whose versions name different records (a rename would start a new subject)', () => {
    const dir = folderWith({
      'alpha/v1.avsc': { name: 'Alpha', namespace: 'jp.test' },
      'alpha/v2.avsc': { name: 'Renamed', namespace: 'jp.test' },
    });
    expect(() => registrySubject('alpha', dir)).toThrow(
      expect.objectContaining({
        code: 'SCHEMA_INCOMPATIBLE',
        message: 'alpha v2 names jp.test.Renamed but v1 names jp.test.Alpha: a subject keeps one record name',
      }),
    );
  });
});

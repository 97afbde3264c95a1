import { describe, expect, it } from 'vitest';
import { loadSchema } from './catalogue.js';
import { catalogueEntryOf } from './writer-schema.js';

const withoutDocs = (schema: unknown): unknown =>
  JSON.parse(JSON.stringify(schema, (key, value) => (key === 'doc' ? undefined : value)));

describe('which catalogue version a registry schema is', () => {
  it('finds the folder by record name and the version by canonical form', () => {
    expect(catalogueEntryOf(loadSchema('consent-granted', 1))).toEqual({
      ok: true,
      subject: 'consent-granted',
      version: 1,
      recordName: 'jp.tsunagi.events.ConsentGranted',
    });
    expect(catalogueEntryOf(loadSchema('identity-enrolled', 1))).toMatchObject({
      subject: 'identity-enrolled',
      version: 1,
    });
  });

  it('ignores docs and formatting, as a registry may reformat the text', () => {
    expect(catalogueEntryOf(withoutDocs(loadSchema('consent-granted', 2)))).toMatchObject({ version: 2 });
  });

  it('refuses records that are not ours, and shapes no version file has', () => {
    expect(
      catalogueEntryOf({ type: 'record', name: 'Smoke', namespace: 'jp.tsunagi.test', fields: [] }),
    ).toEqual({
      ok: false,
      reason: 'NOT_OURS',
      detail: 'jp.tsunagi.test.Smoke',
    });
    expect(catalogueEntryOf('string')).toMatchObject({ ok: false, reason: 'NOT_OURS' });
    const v1 = loadSchema('consent-granted', 1);
    expect(catalogueEntryOf({ ...v1, fields: v1.fields.slice(0, -1) })).toEqual({
      ok: false,
      reason: 'UNKNOWN_VERSION',
      detail: 'jp.tsunagi.events.ConsentGranted',
    });
  });
});

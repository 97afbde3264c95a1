import { describe, expect, it } from 'vitest';
import { declaredCharset, isUtf8Json } from './json-body.js';

describe('declaredCharset (RFC 9110 media type parameters)', () => {
  it.each([
    ['application/json', { ok: true }],
    ['application/json; charset=utf-8', { ok: true, charset: 'utf-8' }],
    ['application/json;charset="UTF-8"', { ok: true, charset: 'UTF-8' }],
    ['application/json ; CharSet=utf-16 ; x=1', { ok: true, charset: 'utf-16' }],
    ['application/json; x="a;charset=utf-16"', { ok: true }],
    ['application/json;', { ok: true }],
  ])('%s → %o', (header, expected) => {
    expect(declaredCharset(header)).toEqual(expected);
  });

  it.each([
    'application/json; charset=utf-8; charset=utf-16',
    'application/json; charset',
    'application/json; charset="utf-8',
    'json',
    '',
  ])('cannot tell what %s means', (header) => {
    expect(declaredCharset(header)).toEqual({ ok: false });
  });
});

describe('isUtf8Json', () => {
  it('accepts no charset or UTF-8 in any case and quoting', () => {
    for (const header of [
      'application/json',
      'application/json; charset=UTF-8',
      'application/json;charset="utf-8"',
    ])
      expect(isUtf8Json(header)).toBe(true);
  });

  it('refuses any other charset, and a header it cannot read', () => {
    for (const header of [
      'application/json; charset=utf-16',
      'application/json; charset=utf8',
      'application/json; charset=iso-8859-1',
      'application/json; charset=utf-8; charset=utf-16',
    ])
      expect(isUtf8Json(header)).toBe(false);
  });
});

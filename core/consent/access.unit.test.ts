import { describe, expect, it } from 'vitest';
import { consentVisibleTo, mayRecordConsent } from './access.js';

const PORTALS = ['resident-portal'];

describe('who may act on a resident’s consents', () => {
  it('given the resident portal, then it may record a consent; given the bank it benefits, then not', () => {
    expect(mayRecordConsent('resident-portal', PORTALS)).toBe(true);
    expect(mayRecordConsent('tsubame-bank', PORTALS)).toBe(false);
  });

  it('given a consent naming the bank, then the bank and the portal see it, another service does not', () => {
    const toBank = { recipient: 'tsubame-bank' };
    expect(consentVisibleTo('tsubame-bank', PORTALS)(toBank)).toBe(true);
    expect(consentVisibleTo('resident-portal', PORTALS)(toBank)).toBe(true);
    expect(consentVisibleTo('other-bank', PORTALS)(toBank)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { isTsunagiError } from '../core/errors.js';
import { loadJpkiSettings } from './settings.js';

describe('JPKI settings', () => {
  it('has defaults and splits lists', () => {
    expect(loadJpkiSettings({ JPKI_CRL_SOURCES: 'https://a.test/x.crl, /var/crl/y.crl' })).toEqual({
      JPKI_TRUST_ANCHORS: [],
      JPKI_INTERMEDIATES: [],
      JPKI_OCSP_TIMEOUT_MS: 3000,
      JPKI_CRL_SOURCES: ['https://a.test/x.crl', '/var/crl/y.crl'],
      JPKI_CRL_INTERVAL_MS: 3_600_000,
      JPKI_CHALLENGE_TTL_MS: 120_000,
    });
  });

  it('refuses a responder URL that is not http(s) with CONFIG_INVALID', () => {
    const error = (() => {
      try {
        return loadJpkiSettings({ JPKI_OCSP_URL: 'ftp://ocsp.test' });
      } catch (e) {
        return e;
      }
    })();
    expect(isTsunagiError(error) && error.code).toBe('CONFIG_INVALID');
  });
});

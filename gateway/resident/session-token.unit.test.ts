import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { createSessionTokens, loadSessionSettings, verifySessionToken } from './session-token.js';

const key = new Uint8Array(32).fill(7);
const ppid = 'PP1-v1-ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const issuedAt = '2026-04-01T09:00:00Z';

describe('session tokens', () => {
  it('verifies what it issued, until 15 minutes later', () => {
    const tokens = createSessionTokens({ key, clock: fixedClock(issuedAt), newId: () => 'session-1' });
    const { token, expiresAt } = tokens.issue(ppid);
    expect(expiresAt).toEqual(new Date('2026-04-01T09:15:00Z'));
    expect(tokens.verify(token)).toEqual({ ok: true, session: { ppid, expiresAt, sessionId: 'session-1' } });
    const at = (instant: string) => verifySessionToken(token, { key, clock: fixedClock(instant) });
    expect(at('2026-04-01T09:14:59.999Z').ok).toBe(true);
    expect(at('2026-04-01T09:15:00Z')).toEqual({ ok: false, reason: 'TOKEN_EXPIRED' });
  });

  it('refuses another key, altered claims and garbage', () => {
    const { token } = createSessionTokens({ key, clock: fixedClock(issuedAt) }).issue(ppid);
    const clock = fixedClock(issuedAt);
    expect(verifySessionToken(token, { key: new Uint8Array(32).fill(8), clock })).toEqual({
      ok: false,
      reason: 'TOKEN_SIGNATURE_INVALID',
    });
    const [version, claims, mac] = token.split('.');
    const longer = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(claims ?? '', 'base64url').toString()),
        exp: 4_000_000_000,
      }),
    ).toString('base64url');
    expect(verifySessionToken(`${version}.${longer}.${mac}`, { key, clock })).toMatchObject({
      reason: 'TOKEN_SIGNATURE_INVALID',
    });
    for (const garbage of ['', 'v1..', 'v2.a.b', 'not a token'])
      expect(verifySessionToken(garbage, { key, clock })).toMatchObject({
        ok: false,
        reason: 'TOKEN_MALFORMED',
      });
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => createSessionTokens({ key: new Uint8Array(16), clock: fixedClock(issuedAt) })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', path: 'TSUNAGI_SESSION_KEY' }),
    );
  });
});

describe('loadSessionSettings', () => {
  it('requires TSUNAGI_SESSION_KEY in production, and generates one elsewhere', () => {
    expect(() => loadSessionSettings({ NODE_ENV: 'production' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', path: 'TSUNAGI_SESSION_KEY' }),
    );
    const dev = loadSessionSettings({});
    expect(dev).toMatchObject({ generated: true, ttlMs: 900_000 });
    expect(dev.key.length).toBe(32);
    const given = Buffer.from(key).toString('base64');
    expect(loadSessionSettings({ NODE_ENV: 'production', TSUNAGI_SESSION_KEY: given })).toEqual({
      key,
      ttlMs: 900_000,
      generated: false,
    });
  });
});

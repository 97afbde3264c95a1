import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import {
  memorySessionRevocations,
  openSessionRevocations,
  revocableSessions,
} from './session-revocations.js';
import { createSessionTokens } from './session-token.js';

const key = new Uint8Array(32).fill(6);
const clock = fixedClock('2026-04-01T09:00:00Z');

describe('signed-out sessions', () => {
  it('refuses a signed-out token as TOKEN_REVOKED, other tokens of the resident still pass', async () => {
    const revocations = memorySessionRevocations(clock);
    const tokens = revocableSessions(createSessionTokens({ key, clock }), revocations);
    const [leaving, staying] = [tokens.issue('PP1-v1-a'), tokens.issue('PP1-v1-a')];
    const session = tokens.verify(leaving.token);
    if (!session.ok) throw new Error(session.reason);
    await revocations.revoke(session.session.sessionId, session.session.expiresAt);
    expect(tokens.verify(leaving.token)).toEqual({ ok: false, reason: 'TOKEN_REVOKED' });
    expect(tokens.verify(staying.token)).toMatchObject({ ok: true });
  });

  it('keeps revocations across a restart (lmdb), and forgets them once the token has expired anyway', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsunagi-sessions-'));
    try {
      const first = openSessionRevocations(dir, clock);
      await first.revoke('session-1', new Date('2026-04-01T09:15:00Z'));
      await first.revoke('session-0', new Date('2026-04-01T08:00:00Z'));
      await first.close();
      const reopened = openSessionRevocations(dir, clock);
      expect(reopened.isRevoked('session-1')).toBe(true);
      expect(reopened.isRevoked('session-0')).toBe(false);
      expect(reopened.isRevoked('session-2')).toBe(false);
      await reopened.close();
      const later = openSessionRevocations(dir, fixedClock('2026-04-01T09:15:00Z'));
      expect(later.isRevoked('session-1')).toBe(false);
      await later.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { parseEvent } from '../schemas/events.js';
import { connectionRefusal } from './client-errors.js';
import { oncePerWindow } from './once-per-window.js';
import { addressKey } from './rate-limits.js';
import { type RefusalContext, refusalFact, safeReason } from './security-events.js';

const context: RefusalContext = {
  route: '/v1/residents/:ppid/consents',
  method: 'GET',
  agencyId: 'tsubame-bank',
  certificateSha256: null,
  clientAddress: '192.0.2.1',
  correlationId: 'req-1',
};

describe('refusalFact', () => {
  it.each([
    [401, 'UNAUTHENTICATED', 'AUTHENTICATION_REFUSED'],
    [429, 'RATE_LIMITED', 'RATE_LIMITED'],
    [404, 'IDENTITY_UNKNOWN', 'IDENTITY_UNKNOWN'],
    [400, 'INPUT_INVALID', 'MALFORMED_REQUEST'],
    [413, 'INPUT_INVALID', 'MALFORMED_REQUEST'],
    [415, 'MEDIA_TYPE_UNSUPPORTED', 'MALFORMED_REQUEST'],
  ])('a %i %s is %s', (status, code, kind) => {
    expect(refusalFact({ status, code, reason: 'r' }, context)).toMatchObject({
      kind,
      status,
      errorCode: code,
    });
  });

  it('leaves out what the access trail records (403, 404 of a disclosure) and failures (5xx)', () => {
    expect(
      refusalFact({ status: 403, code: 'FORBIDDEN', reason: 'NO_LEGAL_BASIS' }, context),
    ).toBeUndefined();
    expect(refusalFact({ status: 404, code: 'NOT_FOUND', reason: 'x' }, context)).toBeUndefined();
    expect(refusalFact({ status: 503, code: 'TRAIL_UNAVAILABLE', reason: 'x' }, context)).toBeUndefined();
  });

  it('counts a URL that matches no route as malformed', () => {
    expect(
      refusalFact(
        { status: 404, code: 'NOT_FOUND', reason: 'NO_SUCH_ROUTE' },
        { ...context, route: 'unmatched' },
      ),
    ).toMatchObject({ kind: 'MALFORMED_REQUEST', route: 'unmatched' });
  });

  it('makes an event the schema accepts', () => {
    const {
      clientAddress: _,
      correlationId,
      ...data
    } = refusalFact({ status: 401, code: 'UNAUTHENTICATED', reason: 'CERTIFICATE_MISSING' }, context) ?? {
      clientAddress: null,
      correlationId: '',
    };
    const envelope = {
      eventId: 'e',
      occurredAt: new Date(),
      recordedAt: new Date(),
      producer: 'gateway',
      correlationId,
    };
    expect(() =>
      parseEvent({ type: 'SecurityEventRecorded', envelope, data: { ...data, clientAddressHash: null } }),
    ).not.toThrow();
  });
});

describe('safeReason', () => {
  it('keeps our vocabulary, masks long digit runs and strange characters, bounds the length', () => {
    expect(safeReason('body.items.0')).toBe('body.items.0');
    expect(safeReason('CERTIFICATE_EXPIRED')).toBe('CERTIFICATE_EXPIRED');
    expect(safeReason('field 123456789018')).toBe('field #');
    expect(safeReason('山田"\n')).toBe('????');
    expect(safeReason('x'.repeat(500))).toHaveLength(128);
    expect(safeReason('')).toBe('UNSPECIFIED');
  });
});

describe('connectionRefusal', () => {
  const limits = { maxHeaderBytes: 8192 };

  it.each([
    ['ERR_TLS_RENEGOTIATION_DISABLED', 'RENEGOTIATION_REFUSED', undefined],
    ['ERR_TLS_SESSION_ATTACK', 'RENEGOTIATION_REFUSED', undefined],
    ['ERR_TLS_HANDSHAKE_TIMEOUT', 'CLIENT_TIMED_OUT', undefined],
    ['ERR_HTTP_REQUEST_TIMEOUT', 'CLIENT_TIMED_OUT', 408],
    ['HPE_HEADER_OVERFLOW', 'MALFORMED_REQUEST', 431],
    ['HPE_INVALID_METHOD', 'MALFORMED_REQUEST', 400],
    ['ERR_SSL_UNSUPPORTED_PROTOCOL', 'HANDSHAKE_FAILED', undefined],
  ])('%s is %s, answered %s', (code, kind, status) => {
    const refusal = connectionRefusal(code, limits);
    expect(refusal?.kind).toBe(kind);
    expect(refusal?.answer?.status).toBe(status);
  });

  it('ignores a peer that went away', () => {
    expect(connectionRefusal('ECONNRESET', limits)).toBeUndefined();
    expect(connectionRefusal('EPIPE', limits)).toBeUndefined();
    expect(connectionRefusal('HPE_INVALID_EOF_STATE', limits)).toBeUndefined();
  });
});

describe('addressKey', () => {
  it('keys IPv4 by address and IPv6 by its /64', () => {
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::9')).toBe(addressKey('2001:0db8:0001:0002:ffff::1'));
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('oncePerWindow', () => {
  it('says yes once per key and window, and bounds its memory', () => {
    let now = 0;
    const first = oncePerWindow(1_000, 2, () => now);
    expect([first('a'), first('a'), first('b')]).toEqual([true, false, true]);
    expect(first('c')).toBe(false);
    now = 1_000;
    expect([first('a'), first('c'), first('a')]).toEqual([true, true, false]);
  });
});

import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { createLogger } from '../platform/logger.js';
import type { SecurityEventRecorded } from '../schemas/events.js';
import { clientAddressHash, createSecurityAudit, type SecurityEventLog } from './security-audit.js';
import type { SecurityFact } from './security-events.js';

const KEY = new Uint8Array(32).fill(1);
const fact = (reason: string, overrides: Partial<SecurityFact> = {}): SecurityFact => ({
  kind: 'AUTHENTICATION_REFUSED',
  route: '/v1/inquiries',
  method: 'POST',
  status: 401,
  errorCode: 'UNAUTHENTICATED',
  reason,
  agencyId: null,
  certificateSha256: null,
  clientAddress: '192.0.2.7',
  correlationId: `req-${reason}`,
  ...overrides,
});

/** A log the test controls: it can hang (never answer) or fail, and keeps what it appended. */
function fakeLog() {
  const appended: SecurityEventRecorded[] = [];
  const state = { failing: false, hanging: false, calls: 0 };
  const log: SecurityEventLog = {
    async append(events) {
      state.calls++;
      if (state.hanging) await new Promise(() => undefined);
      if (state.failing) throw new Error('broker down');
      appended.push(...events);
    },
    close: async () => undefined,
  };
  return { log, appended, state };
}

function counters() {
  const counts = new Map<string, number>();
  const counter = (name: string) => ({
    inc: (labels: Record<string, string>, value = 1) => {
      const key = `${name}:${Object.values(labels).join(',')}`;
      counts.set(key, (counts.get(key) ?? 0) + value);
    },
  });
  return { counts, metrics: { recorded: counter('recorded'), dropped: counter('dropped') } };
}

function audit(log: SecurityEventLog, capacity = 100) {
  const { counts, metrics } = counters();
  let n = 0;
  const made = createSecurityAudit({
    log,
    clock: fixedClock('2026-04-01T00:00:00Z'),
    ids: () => `evt-${++n}`,
    logger: createLogger({ name: 'test', level: 'silent' }),
    addressKey: KEY,
    metrics,
    capacity,
    lingerMs: 1,
    retryMs: 1,
  });
  return { audit: made, counts };
}

describe('the security audit queue', () => {
  it('given refusals, when flushed, then they are appended in order with a keyed hash in place of the address', async () => {
    const { log, appended } = fakeLog();
    const { audit: a, counts } = audit(log);
    a.record(fact('CERTIFICATE_MISSING'));
    a.record(fact('CERTIFICATE_EXPIRED', { clientAddress: null }));
    await a.flush();
    expect(appended.map((e) => e.data.reason)).toEqual(['CERTIFICATE_MISSING', 'CERTIFICATE_EXPIRED']);
    expect(appended[0]?.envelope).toMatchObject({
      eventId: 'evt-1',
      producer: 'gateway',
      correlationId: 'req-CERTIFICATE_MISSING',
    });
    expect(appended[0]?.data.clientAddressHash).toEqual(clientAddressHash(KEY, '192.0.2.7'));
    expect(appended[1]?.data.clientAddressHash).toBeNull();
    expect(JSON.stringify(appended)).not.toContain('192.0.2.7');
    expect(counts.get('recorded:AUTHENTICATION_REFUSED')).toBe(2);
  });

  it('keeps appending after an idle period (a drain that found nothing to do)', async () => {
    const { log, appended } = fakeLog();
    const { audit: a } = audit(log);
    await a.flush();
    await new Promise((r) => setTimeout(r, 10));
    a.record(fact('A'));
    await new Promise((r) => setTimeout(r, 20));
    a.record(fact('B'));
    await a.flush();
    expect(appended.map((e) => e.data.reason)).toEqual(['A', 'B']);
  });

  it('never waits for the log: record returns while an append hangs, and past capacity drops and counts', async () => {
    const { log, state, appended } = fakeLog();
    state.hanging = true;
    const { audit: a, counts } = audit(log, 3);
    for (const reason of ['A', 'B', 'C', 'D', 'E']) a.record(fact(reason));
    expect(counts.get('dropped:queue_full')).toBe(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(state.calls).toBe(1);
    expect(appended).toEqual([]);
  });

  it('retries a failed append before anything recorded after it, and counts nothing as dropped', async () => {
    const { log, state, appended } = fakeLog();
    state.failing = true;
    const { audit: a, counts } = audit(log);
    a.record(fact('A'));
    await new Promise((r) => setTimeout(r, 20));
    a.record(fact('B'));
    state.failing = false;
    await a.flush();
    expect(appended.map((e) => e.data.reason)).toEqual(['A', 'B']);
    expect(state.calls).toBeGreaterThan(1);
    expect(counts.get('dropped:queue_full')).toBeUndefined();
  });

  it('drops an event that fails its schema alone, never the batch', async () => {
    const { log, appended } = fakeLog();
    const { audit: a, counts } = audit(log);
    a.record(fact('A'));
    a.record(fact('B', { certificateSha256: new Uint8Array(3) }));
    a.record(fact('C'));
    await a.flush();
    expect(appended.map((e) => e.data.reason)).toEqual(['A', 'C']);
    expect(counts.get('dropped:invalid')).toBe(1);
  });

  it('counts what is recorded after close as dropped', async () => {
    const { log } = fakeLog();
    const { audit: a, counts } = audit(log);
    await a.close();
    a.record(fact('late'));
    expect(counts.get('dropped:closed')).toBe(1);
  });

  it('hashes an IPv4-mapped address as the IPv4 address, under the key only', () => {
    expect(clientAddressHash(KEY, '::ffff:192.0.2.7')).toEqual(clientAddressHash(KEY, '192.0.2.7'));
    expect(clientAddressHash(KEY, '192.0.2.7')).not.toEqual(
      clientAddressHash(new Uint8Array(32), '192.0.2.7'),
    );
    expect(clientAddressHash(KEY, '192.0.2.7')).toHaveLength(16);
  });

  it('refuses an address key shorter than 32 bytes', () => {
    expect(() =>
      createSecurityAudit({
        ...fakeLog(),
        clock: fixedClock('2026-04-01T00:00:00Z'),
        ids: () => 'x',
        logger: createLogger({ name: 'test', level: 'silent' }),
        addressKey: new Uint8Array(16),
        metrics: counters().metrics,
      }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', path: 'GATEWAY_AUDIT_ADDRESS_KEY' }));
  });
});

import { describe, expect, it } from 'vitest';
import { type CommandStore, handleCommand } from './command.js';
import { type ConsentCommand, consentDecider } from './consent/decider.js';
import type { ConsentEvent, ConsentEventDraft } from './consent/types.js';
import { createKeyedQueue } from './keyed-queue.js';

const T0 = new Date('2025-04-01T00:00:00Z');
type Meta = { at: Date };

/** An in-memory store whose appends take a while, so that concurrent commands really overlap. */
function memoryStore(options: { serialise: boolean }) {
  const streams = new Map<string, ConsentEvent[]>();
  const queue = createKeyedQueue();
  let appends = 0;
  const store: CommandStore<ConsentEventDraft, ConsentEvent, Meta> = {
    readStream: (id) => [...(streams.get(id) ?? [])],
    async appendToStream(id, drafts, meta) {
      appends++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const recorded = drafts.map(
        (draft) => ({ ...draft, envelope: { occurredAt: meta.at } }) as ConsentEvent,
      );
      streams.set(id, [...(streams.get(id) ?? []), ...recorded]);
      return recorded;
    },
    exclusive: (id, work) => (options.serialise ? queue.run(id, work) : work()),
  };
  return { store, streams, appends: () => appends };
}

const grant: ConsentCommand = {
  type: 'GrantConsent',
  at: T0,
  consentId: 'consent-0001',
  linkageId: 'lnk_resident_a1',
  recipient: 'tsubame-bank',
  purpose: 'housing-loan-screening',
  items: ['LOCAL_TAX_CERTIFICATE'],
  validFrom: T0,
  validUntil: new Date('2025-07-01T00:00:00Z'),
  maxUses: 1,
  channel: 'resident-session',
};
const use: ConsentCommand = {
  type: 'UseConsent',
  at: new Date('2025-05-01T00:00:00Z'),
  consentId: 'consent-0001',
  linkageId: 'lnk_resident_a1',
  recipient: 'tsubame-bank',
  purpose: 'housing-loan-screening',
  item: 'LOCAL_TAX_CERTIFICATE',
};

describe('handleCommand', () => {
  it('given no consent, when granted, then it folds, decides, appends and returns the new state', async () => {
    const { store, streams } = memoryStore({ serialise: true });
    const result = await handleCommand(store, consentDecider, grant, { at: T0 });
    expect(result).toMatchObject({ ok: true, state: { consentId: 'consent-0001', uses: 0, grantedAt: T0 } });
    expect(streams.get('consent-0001')?.map((e) => e.type)).toEqual(['ConsentGranted']);
  });

  it('given the grant recorded, when retried, then nothing is appended and the same state returns', async () => {
    const { store, appends } = memoryStore({ serialise: true });
    const first = await handleCommand(store, consentDecider, grant, { at: T0 });
    const retry = await handleCommand(store, consentDecider, grant, { at: T0 });
    expect(retry).toEqual({ ok: true, state: first.state, events: [] });
    expect(appends()).toBe(1);
  });

  it('given maxUses 1, when two uses arrive at once, then exactly one is appended and the other refused', async () => {
    const { store, streams } = memoryStore({ serialise: true });
    await handleCommand(store, consentDecider, grant, { at: T0 });
    const results = await Promise.all([
      handleCommand(store, consentDecider, use, { at: use.at }),
      handleCommand(store, consentDecider, use, { at: use.at }),
    ]);
    expect(results.map((r) => (r.ok ? 'used' : r.reason)).sort()).toEqual(['USES_EXHAUSTED', 'used']);
    expect(streams.get('consent-0001')?.filter((e) => e.type === 'ConsentUsed')).toHaveLength(1);
  });

  it('without the per-stream exclusion both would take the last use (why the store must serialise)', async () => {
    const { store } = memoryStore({ serialise: false });
    await handleCommand(store, consentDecider, grant, { at: T0 });
    const results = await Promise.all([
      handleCommand(store, consentDecider, use, { at: use.at }),
      handleCommand(store, consentDecider, use, { at: use.at }),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('returns a refusal as a value and appends nothing', async () => {
    const { store, appends } = memoryStore({ serialise: true });
    expect(await handleCommand(store, consentDecider, use, { at: use.at })).toEqual({
      ok: false,
      reason: 'CONSENT_NOT_FOUND',
      state: null,
    });
    expect(appends()).toBe(0);
  });
});

describe('keyed queue', () => {
  it('runs one key in order, survives a failure, and forgets idle keys', async () => {
    const queue = createKeyedQueue();
    const order: string[] = [];
    const slow = (name: string, ms: number) => () =>
      new Promise<string>((resolve) =>
        setTimeout(() => {
          order.push(name);
          resolve(name);
        }, ms),
      );
    const failing = queue.run('a', () => Promise.reject(new Error('boom')));
    const done = Promise.all([
      queue.run('a', slow('a1', 20)),
      queue.run('a', slow('a2', 1)),
      queue.run('b', slow('b1', 5)),
    ]);
    await expect(failing).rejects.toThrow('boom');
    expect(await done).toEqual(['a1', 'a2', 'b1']);
    expect(order).toEqual(['b1', 'a1', 'a2']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(queue.busy()).toBe(0);
  });
});

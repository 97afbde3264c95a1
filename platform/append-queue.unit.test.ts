import { describe, expect, it } from 'vitest';
import { createAppendQueue } from './append-queue.js';

/** A queue over a fake flush that records each flush and answers `position = order of arrival`. */
function queueFor(
  options: { maxEntries?: number; maxBytes?: number; flushMs?: number; fail?: (n: number) => boolean } = {},
) {
  const flushes: string[][] = [];
  const late: number[] = [];
  let sent = 0;
  const queue = createAppendQueue<string, number>({
    async flush(entries) {
      flushes.push(entries);
      await new Promise((resolve) => setTimeout(resolve, options.flushMs ?? 1));
      if (options.fail?.(flushes.length)) throw new Error(`flush ${flushes.length} failed`);
      return entries.map(() => sent++);
    },
    sizeOf: (entry) => entry.length,
    timeoutError: (ms) => new Error(`not acknowledged within ${ms} ms`),
    onLate: (position) => late.push(position),
    lingerMs: 2,
    maxEntries: options.maxEntries ?? 100,
    maxBytes: options.maxBytes ?? 1_000,
  });
  return { queue, flushes, late };
}

const ready = (...values: string[]) => values.map((v) => Promise.resolve(v));

describe('the append queue', () => {
  it('sends concurrent callers together and gives each its own results, in call order', async () => {
    const { queue, flushes } = queueFor();
    const [a, b, c] = await Promise.all([
      queue.add(ready('a1', 'a2'), { timeoutMs: 1_000 }),
      queue.add(ready('b1'), { timeoutMs: 1_000 }),
      queue.add(ready('c1'), { timeoutMs: 1_000 }),
    ]);
    expect(flushes).toEqual([['a1', 'a2', 'b1', 'c1']]);
    expect([a, b, c]).toEqual([[0, 1], [2], [3]]);
  });

  it('keeps call order when an earlier entry takes longer to prepare (an encoding waiting for the registry)', async () => {
    const { queue, flushes } = queueFor();
    const slow = new Promise<string>((resolve) => setTimeout(() => resolve('slow'), 20));
    await Promise.all([
      queue.add([slow], { timeoutMs: 1_000 }),
      queue.add(ready('fast'), { timeoutMs: 1_000 }),
    ]);
    expect(flushes.flat()).toEqual(['slow', 'fast']);
  });

  it('cuts flushes at maxEntries and maxBytes, one flush at a time', async () => {
    const { queue, flushes } = queueFor({ maxEntries: 2, maxBytes: 5 });
    await queue.add(ready('aa', 'bb', 'cc', 'dddd', 'e'), { timeoutMs: 1_000 });
    expect(flushes).toEqual([['aa', 'bb'], ['cc'], ['dddd', 'e']]);
  });

  it('fails every caller of a failed flush, and only them', async () => {
    const { queue } = queueFor({ maxEntries: 1, fail: (n) => n === 1 });
    const first = queue.add(ready('x'), { timeoutMs: 1_000 });
    const second = queue.add(ready('y'), { timeoutMs: 1_000 });
    await expect(first).rejects.toThrow('flush 1 failed');
    await expect(second).resolves.toEqual([0]);
  });

  it('does not send an entry whose caller gave up before it was sent; a late one is reported', async () => {
    const { queue, flushes, late } = queueFor({ maxEntries: 1, flushMs: 30 });
    const inFlight = queue.add(ready('in-flight'), { timeoutMs: 10 });
    const waiting = queue.add(ready('waiting'), { timeoutMs: 10 });
    await expect(inFlight).rejects.toThrow('not acknowledged within 10 ms');
    await expect(waiting).rejects.toThrow('not acknowledged within 10 ms');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(flushes).toEqual([['in-flight']]);
    expect(late).toEqual([0]);
  });

  it('fails a caller whose entry cannot be prepared, sending nothing of its call after it', async () => {
    const { queue, flushes } = queueFor();
    const refused = Promise.reject(new Error('INPUT_INVALID'));
    const call = queue.add([Promise.resolve('before'), refused, Promise.resolve('after')], {
      timeoutMs: 1_000,
    });
    const other = queue.add(ready('other'), { timeoutMs: 1_000 });
    await expect(call).rejects.toThrow('INPUT_INVALID');
    await other;
    expect(flushes.flat()).toEqual(['other']);
  });

  it('refuses new entries once closed and fails the waiting ones', async () => {
    const { queue } = queueFor();
    const waiting = queue.add(ready('w'), { timeoutMs: 1_000 });
    queue.close(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
    await expect(queue.add(ready('x'), { timeoutMs: 1_000 })).rejects.toThrow('closed');
  });
});

import { describe, expect, it } from 'vitest';
import { handOver } from './entry-queue.js';

describe('handOver', () => {
  it('keeps order, holds the writer while full, and ends after the queued items', async () => {
    const queue = handOver<number>(4);
    let pushed = false;
    const writing = queue.push([1, 2, 3, 4, 5]).then(() => {
      pushed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pushed).toBe(false);
    const seen: number[] = [];
    const reading = (async () => {
      for await (const item of queue.items()) seen.push(item);
    })();
    await writing;
    await queue.push([6]);
    queue.end();
    await reading;
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('surfaces a failure after the items queued before it', async () => {
    const queue = handOver<number>(10);
    await queue.push([1, 2]);
    queue.fail(new Error('not a disclosure'));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const item of queue.items()) seen.push(item);
      })(),
    ).rejects.toThrow('not a disclosure');
    expect(seen).toEqual([1, 2]);
  });
});

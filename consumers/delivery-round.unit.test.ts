import { describe, expect, it } from 'vitest';
import { createDeliveryRounds } from './delivery-round.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recording(fail = false) {
  const delivered: number[][] = [];
  const rounds = createDeliveryRounds(
    async (items: number[]) => {
      delivered.push([...items].sort());
      if (fail) throw new Error('trail down');
      return items.length;
    },
    { settleMs: 10 },
  );
  return { rounds, delivered };
}

describe('delivery rounds', () => {
  it('given batches that start together, delivers them once, as one round, and tells each the outcome', async () => {
    const { rounds, delivered } = recording();
    const a = rounds.enter();
    const b = rounds.enter();
    const c = rounds.enter();
    const outcomes = [a.submit([1, 2]), tick(30).then(() => b.submit([3])), c.submit([])];
    expect(await Promise.all(outcomes)).toEqual([3, 3, 3]);
    expect(delivered).toEqual([[1, 2, 3]]);
  });

  it('waits for a batch that is still decoding, and lets a batch that failed leave', async () => {
    const { rounds, delivered } = recording();
    const a = rounds.enter();
    const b = rounds.enter();
    const outcome = a.submit([1]);
    await tick(40);
    expect(delivered).toEqual([]);
    b.leave();
    expect(await outcome).toBe(1);
    expect(delivered).toEqual([[1]]);
  });

  it('starts a new round for a batch that enters after the round closed', async () => {
    const { rounds, delivered } = recording();
    await rounds.enter().submit([1]);
    await rounds.enter().submit([2]);
    expect(delivered).toEqual([[1], [2]]);
  });

  it('fails every batch of a round whose delivery failed (none of them commits)', async () => {
    const { rounds } = recording(true);
    const a = rounds.enter();
    const b = rounds.enter();
    const results = await Promise.allSettled([a.submit([1]), b.submit([2])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});

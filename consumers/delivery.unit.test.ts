import { describe, expect, it } from 'vitest';
import { deliveryDay, deliveryOrder } from './delivery.js';

const n = (recipient: string, agencyCode: string, seq: number) => ({ data: { recipient, agencyCode }, seq });

describe('deliveryDay', () => {
  it('is 00:00 JST of the day, the same for every instant of that day', () => {
    const midnight = new Date('2025-03-31T15:00:00.000Z');
    expect(deliveryDay(new Date('2025-03-31T15:00:00.000Z'))).toEqual(midnight);
    expect(deliveryDay(new Date('2025-04-01T14:59:59.999Z'))).toEqual(midnight);
    expect(deliveryDay(new Date('2025-04-01T15:00:00.000Z'))).toEqual(new Date('2025-04-01T15:00:00.000Z'));
  });
});

describe('deliveryOrder', () => {
  const round = [
    n('jps', 'A', 1),
    n('jps', 'B', 1),
    n('jps', 'A', 2),
    n('hello-work', 'A', 1),
    n('jps', 'C', 1),
    n('jps', 'A', 3),
    n('hello-work', 'A', 2),
  ];

  it('is a permutation that keeps each resident’s notifications to one agency in sequence', () => {
    for (let trial = 0; trial < 500; trial++) {
      const ordered = deliveryOrder(round);
      expect([...ordered].sort((a, b) => round.indexOf(a) - round.indexOf(b))).toEqual(round);
      for (const key of ['jps/A', 'hello-work/A']) {
        const seqs = ordered
          .filter((x) => `${x.data.recipient}/${x.data.agencyCode}` === key)
          .map((x) => x.seq);
        expect(seqs).toEqual([...seqs].sort());
      }
    }
  });

  it('puts each of several residents first about equally often (uniform, fresh per round)', () => {
    const residents = ['A', 'B', 'C', 'D'].map((code) => n('jps', code, 1));
    const first = new Map<string, number>();
    for (let trial = 0; trial < 4000; trial++) {
      const code = deliveryOrder(residents)[0]?.data.agencyCode ?? '';
      first.set(code, (first.get(code) ?? 0) + 1);
    }
    // Expected 1000 each; ±200 is more than 12 standard deviations.
    for (const code of ['A', 'B', 'C', 'D'])
      expect(Math.abs((first.get(code) ?? 0) - 1000)).toBeLessThan(200);
  });

  it('draws from the injected source', () => {
    const residents = ['A', 'B', 'C'].map((code) => n('jps', code, 1));
    expect(deliveryOrder(residents, (below) => below - 1).map((x) => x.data.agencyCode)).toEqual([
      'A',
      'B',
      'C',
    ]);
    expect(deliveryOrder(residents, () => 0).map((x) => x.data.agencyCode)).toEqual(['C', 'A', 'B']);
  });
});

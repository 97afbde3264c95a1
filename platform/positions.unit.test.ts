import { describe, expect, it } from 'vitest';
import { assignPositions } from './positions.js';

const to = (topic: string, ...partitions: number[]) => partitions.map((partition) => ({ topic, partition }));

describe('assignPositions', () => {
  it('numbers records per partition from the acknowledged base offset, in the order sent', () => {
    const acks = [
      { topicName: 'trail', partition: 0, baseOffset: '10' },
      { topicName: 'trail', partition: 2, baseOffset: '7' },
    ];
    expect(assignPositions(to('trail', 2, 0, 2, 0, 0), acks)).toEqual([
      { topic: 'trail', partition: 2, offset: '7' },
      { topic: 'trail', partition: 0, offset: '10' },
      { topic: 'trail', partition: 2, offset: '8' },
      { topic: 'trail', partition: 0, offset: '11' },
      { topic: 'trail', partition: 0, offset: '12' },
    ]);
  });

  it('numbers each topic of one request on its own', () => {
    const acks = [
      { topicName: 'a', partition: 0, baseOffset: '3' },
      { topicName: 'b', partition: 0, baseOffset: '40' },
    ];
    expect(assignPositions([...to('a', 0), ...to('b', 0), ...to('a', 0)], acks).map((p) => p.offset)).toEqual(
      ['3', '40', '4'],
    );
  });

  it('keeps offsets beyond 2^53 exact', () => {
    const acks = [{ topicName: 't', partition: 1, baseOffset: '9007199254740993' }];
    expect(assignPositions(to('t', 1, 1), acks).map((p) => p.offset)).toEqual([
      '9007199254740993',
      '9007199254740994',
    ]);
  });

  it('refuses an acknowledgement that misses a written partition', () => {
    expect(() => assignPositions(to('t', 0, 1), [{ topicName: 't', partition: 0, baseOffset: '0' }])).toThrow(
      'no acknowledged offset for t partition 1',
    );
    expect(() => assignPositions(to('t', 0), [{ topicName: 't', partition: 0, baseOffset: '-1' }])).toThrow();
  });
});

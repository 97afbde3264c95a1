import { describe, expect, it } from 'vitest';
import { assignPositions } from './positions.js';

describe('assignPositions', () => {
  it('numbers records per partition from the acknowledged base offset, in the order sent', () => {
    const acks = [
      { topicName: 'trail', partition: 0, baseOffset: '10' },
      { topicName: 'trail', partition: 2, baseOffset: '7' },
    ];
    expect(assignPositions([2, 0, 2, 0, 0], acks)).toEqual([
      { topic: 'trail', partition: 2, offset: '7' },
      { topic: 'trail', partition: 0, offset: '10' },
      { topic: 'trail', partition: 2, offset: '8' },
      { topic: 'trail', partition: 0, offset: '11' },
      { topic: 'trail', partition: 0, offset: '12' },
    ]);
  });

  it('keeps offsets beyond 2^53 exact', () => {
    const acks = [{ topicName: 't', partition: 1, baseOffset: '9007199254740993' }];
    expect(assignPositions([1, 1], acks).map((p) => p.offset)).toEqual([
      '9007199254740993',
      '9007199254740994',
    ]);
  });

  it('refuses an acknowledgement that misses a written partition', () => {
    expect(() => assignPositions([0, 1], [{ topicName: 't', partition: 0, baseOffset: '0' }])).toThrow(
      'no acknowledged offset for partition 1',
    );
    expect(() => assignPositions([0], [{ topicName: 't', partition: 0, baseOffset: '-1' }])).toThrow();
  });
});

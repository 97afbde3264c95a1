import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from './read-lines.js';

describe('readLines', () => {
  it('keeps a multi-byte character whole when chunks split it, and a last line without LF', async () => {
    const bytes = Buffer.from('佐藤\n鈴木');
    const chunks = [bytes.subarray(0, 2), bytes.subarray(2, 5), bytes.subarray(5)];
    const lines = [];
    for await (const line of readLines(Readable.from(chunks), 100)) lines.push([line.line, line.text]);
    expect(lines).toEqual([
      [1, '佐藤'],
      [2, '鈴木'],
    ]);
  });
});

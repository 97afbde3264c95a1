import { createHash } from 'node:crypto';
import { type MyNumber, myNumberCheckDigit } from '../my-number.js';

/**
 * Valid but synthetic My Numbers for tests and the synthetic data generator: the same seed gives
 * the same numbers on every machine. They are random eleven-digit bodies with the right check digit,
 * so a few may coincide with real numbers: never publish them next to real personal data.
 */
export function testMyNumber(seed: string, index = 0): MyNumber {
  const digest = createHash('sha256').update(`tsunagi test my number\0${seed}\0${index}`).digest();
  let body = '';
  for (let i = 0; i < 11; i++) body += String((digest[i] ?? 0) % 10);
  return `${body}${myNumberCheckDigit(body)}` as MyNumber;
}

/** `count` distinct valid numbers from one seed. */
export function testMyNumbers(seed: string, count: number): MyNumber[] {
  const seen = new Set<string>();
  const out: MyNumber[] = [];
  for (let index = 0; out.length < count; index++) {
    const candidate = testMyNumber(seed, index);
    if (!seen.has(candidate)) {
      seen.add(candidate);
      out.push(candidate);
    }
  }
  return out;
}

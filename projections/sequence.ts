import type { ApplyOutcome, StoreTx } from './projection.js';

/** Table of the last applied sequence per stream (resident, or resident + provider). */
export const SEQUENCES = 'sequences';

export type SequenceVerdict =
  | { verdict: 'next' }
  | { verdict: 'duplicate' }
  | { verdict: 'gap'; expected: number; got: number };

/**
 * The per-stream sequence rule. The first event of a stream is accepted whatever its number (a
 * stream may start at 0 or 1, or the hub may join an existing registry mid-way). After that, a
 * number at or below the last applied one is a duplicate; one above last + 1 is a gap.
 */
export function checkSequence(last: number | undefined, got: number): SequenceVerdict {
  if (last === undefined || got === last + 1) return { verdict: 'next' };
  if (got <= last) return { verdict: 'duplicate' };
  return { verdict: 'gap', expected: last + 1, got };
}

/**
 * Runs `write` unless the event is a duplicate, advancing the stream's last sequence. Gap policy:
 * the gapped event IS applied (it is the newest state the provider sent) and the gap is reported;
 * an earlier event arriving after it is then a duplicate and ignored (see docs/projections.md).
 */
export function inSequence(tx: StoreTx, stream: string, sequence: number, write: () => void): ApplyOutcome {
  const check = checkSequence(tx.get<number>(SEQUENCES, stream), sequence);
  if (check.verdict === 'duplicate') return { outcome: 'duplicate' };
  write();
  tx.put(SEQUENCES, stream, sequence);
  if (check.verdict === 'gap')
    return { outcome: 'gap', gap: { stream, expected: check.expected, got: check.got } };
  return { outcome: 'applied' };
}

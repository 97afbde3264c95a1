import { fromBase64, toBase64 } from './bytes.js';
import { HASH_SIZE } from './merkle.js';

/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint) note text: origin, decimal tree size,
 * base64 root hash, each ending in a newline. We write no extension lines; parsing accepts and
 * returns them (they are opaque and unauditable, so nothing here relies on them).
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
}

export const formatCheckpoint = (checkpoint: Checkpoint): string =>
  `${checkpoint.origin}\n${checkpoint.size}\n${toBase64(checkpoint.root)}\n`;

export function parseCheckpoint(
  text: string,
): { ok: true; checkpoint: Checkpoint; extensions: string[] } | { ok: false; detail: string } {
  if (!text.endsWith('\n')) return { ok: false, detail: 'the checkpoint text does not end with a newline' };
  const [origin = '', size = '', root = '', ...extensions] = text.slice(0, -1).split('\n');
  if (origin === '') return { ok: false, detail: 'the checkpoint has no origin line' };
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size)))
    return { ok: false, detail: 'the checkpoint size line is not a decimal number without leading zeros' };
  const hash = fromBase64(root);
  if (!hash || hash.length !== HASH_SIZE)
    return { ok: false, detail: `the checkpoint root line is not a base64 ${HASH_SIZE}-byte hash` };
  if (extensions.some((line) => line === ''))
    return { ok: false, detail: 'the checkpoint has an empty extension line' };
  return { ok: true, checkpoint: { origin, size: Number(size), root: hash }, extensions };
}

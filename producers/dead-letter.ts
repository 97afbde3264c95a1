import { basename } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { ErrorCode } from '../core/errors.js';
import type { KeyRing } from '../identity/keys.js';
import { keyedHash, sealBytes, unsealBytes } from '../identity/sealing.js';
import type { DeadLetterRecorded } from '../schemas/events.js';

/** Twelve digits, ASCII or full-width, optionally grouped 4-4-4 by a hyphen or a space. */
const DIGIT = '[0-9\\uFF10-\\uFF19]';
const MY_NUMBER_LIKE = new RegExp(`${DIGIT}{4}[- ]?${DIGIT}{4}[- ]?${DIGIT}{4}`, 'gu');

/**
 * The original bytes of a rejected row, with anything shaped like a My Number masked by '*',
 * every other byte kept. Done before sealing: not even a sealed My Number is kept, because the
 * hub must hold no key that turns anything back into My Numbers. The municipality's own export
 * (file base name and line) still has the unmasked row.
 */
export function maskMyNumbers(original: Uint8Array): Buffer {
  const bytes = Buffer.from(original);
  const text = bytes.toString('utf8');
  const valid = Buffer.from(text, 'utf8').equals(bytes);
  // Bytes that are not UTF-8 are masked as Latin-1, which keeps their length and other bytes.
  const encoding = valid ? 'utf8' : 'latin1';
  const source = valid ? text : bytes.toString('latin1');
  return Buffer.from(
    source.replace(MY_NUMBER_LIKE, (run) => '*'.repeat([...run].length)),
    encoding,
  );
}

export interface DeadLetterInput {
  /** An input file (only its base name is kept) and line, or another source such as topic:partition:offset. */
  origin: { file: string; line: number } | { source: string };
  /** The column or field at fault, `(row)` for the row as a whole. */
  field?: string | null;
  /** What was wrong and where; never the value itself. */
  reason: string;
  errorCode: ErrorCode;
  originalBytes: Uint8Array;
  originalKey?: Uint8Array | null;
}

export interface DeadLetterDeps {
  producer: string;
  clock: Clock;
  /** TSUNAGI_VAULT_KEYS: its `dead-letter-seal` and `dead-letter-id` subkeys. */
  vaultKeys: KeyRing;
}

/** The GCM associated data: a sealed body opens only inside the dead letter it was made for. */
export const deadLetterContext = (eventId: string): string => `dead-letter/${eventId}`;

/**
 * A dead letter that holds no readable personal data: the rejected bytes, My Numbers masked, are
 * sealed with AES-256-GCM under the vault's current `dead-letter-seal` subkey (version recorded);
 * a file is named by its base name only. The id is a keyed hash of the source and the masked
 * bytes, so rejecting the same line twice gives the same event (until the vault key is rotated),
 * and the id says nothing about the row to whoever lacks the key.
 */
export function deadLetterEvent(input: DeadLetterInput, deps: DeadLetterDeps): DeadLetterRecorded {
  const masked = maskMyNumbers(input.originalBytes);
  const { origin } = input;
  const file = 'file' in origin ? basename(origin.file) : null;
  const line = 'file' in origin ? origin.line : null;
  const source = 'file' in origin ? `${file}:${line}` : origin.source;
  const digest = keyedHash(
    deps.vaultKeys,
    deps.vaultKeys.current,
    'dead-letter-id',
    Buffer.concat([Buffer.from(`${source}\0`, 'utf8'), masked]),
  );
  const eventId = `dlq-${digest.toString('hex').slice(0, 32)}`;
  const now = deps.clock.now();
  return {
    type: 'DeadLetterRecorded',
    envelope: { eventId, occurredAt: now, recordedAt: now, producer: deps.producer, correlationId: eventId },
    data: {
      source,
      reason: input.reason,
      errorCode: input.errorCode,
      originalBytes: Buffer.alloc(0),
      originalKey: input.originalKey ? maskMyNumbers(input.originalKey) : null,
      file,
      line,
      field: input.field ?? null,
      sealedOriginal: sealBytes(deps.vaultKeys, masked, deadLetterContext(eventId), 'dead-letter-seal'),
    },
  };
}

/**
 * The rejected bytes of a dead letter (My Numbers masked): unsealed with the vault key of the
 * recorded version, or, for a v1 letter, its clear `originalBytes`. Throws INTERNAL when the
 * key or the record is wrong, KEY_VERSION_UNKNOWN when that key version is not configured.
 */
export function recoverOriginalBytes(letter: DeadLetterRecorded, vaultKeys: KeyRing): Buffer {
  const sealed = letter.data.sealedOriginal;
  if (!sealed) return Buffer.from(letter.data.originalBytes);
  return unsealBytes(
    vaultKeys,
    {
      ciphertext: Buffer.from(sealed.ciphertext),
      nonce: Buffer.from(sealed.nonce),
      keyVersion: sealed.keyVersion,
    },
    deadLetterContext(letter.envelope.eventId),
    'dead-letter-seal',
    'a sealed dead letter',
  );
}

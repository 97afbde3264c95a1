import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { TsunagiError } from '../core/errors.js';
import { type KeyPurpose, type KeyRing, subkey } from './keys.js';

/** A ciphertext at rest or on an internal topic: AES-256-GCM, tag appended, key named by version. */
export interface Sealed {
  ciphertext: Buffer;
  nonce: Buffer;
  keyVersion: number;
}

type SealPurpose = Extract<KeyPurpose, 'vault-seal' | 'dead-letter-seal' | 'ledger-seal'>;

/**
 * Encrypts bytes under the ring's current subkey for `purpose`. `context` is authenticated (GCM
 * AAD): a ciphertext moved to another record fails to open.
 */
export function sealBytes(
  ring: KeyRing,
  plaintext: Uint8Array,
  context: string,
  purpose: SealPurpose,
): Sealed {
  const keyVersion = ring.current;
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', subkey(ring, keyVersion, purpose), nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { ciphertext, nonce, keyVersion };
}

/** Opens what `sealBytes` sealed; `what` names the record in the error (never its content). */
export function unsealBytes(
  ring: KeyRing,
  sealed: Sealed,
  context: string,
  purpose: SealPurpose,
  what = 'a sealed record',
): Buffer {
  const key = subkey(ring, sealed.keyVersion, purpose);
  const body = sealed.ciphertext.subarray(0, sealed.ciphertext.length - 16);
  const tag = sealed.ciphertext.subarray(sealed.ciphertext.length - 16);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.nonce);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (cause) {
    // Wrong key material or a tampered / misplaced record: never a retriable condition.
    throw new TsunagiError('INTERNAL', `${what} failed authentication`, { cause });
  }
}

/**
 * Encrypts under the ring's current `vault-seal` key. `context` is authenticated (GCM AAD): a
 * ciphertext moved to another record (another keyed hash, another agency code) fails to open.
 */
export const seal = (ring: KeyRing, plaintext: string, context: string): Sealed =>
  sealBytes(ring, Buffer.from(plaintext, 'utf8'), context, 'vault-seal');

export const unseal = (ring: KeyRing, sealed: Sealed, context: string): string =>
  unsealBytes(ring, sealed, context, 'vault-seal', 'a sealed identity record').toString('utf8');

/** HMAC-SHA-256 under a versioned subkey: the only form in which a My Number or certificate is kept. */
export function keyedHash(
  ring: KeyRing,
  version: number,
  purpose: KeyPurpose,
  value: string | Uint8Array,
): Buffer {
  return createHmac('sha256', subkey(ring, version, purpose))
    .update(value)
    .digest();
}

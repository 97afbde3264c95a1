import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { TsunagiError } from '../core/errors.js';
import { type KeyPurpose, type KeyRing, subkey } from './keys.js';

/** A ciphertext at rest or on an internal topic: AES-256-GCM, tag appended, key named by version. */
export interface Sealed {
  ciphertext: Buffer;
  nonce: Buffer;
  keyVersion: number;
}

/**
 * Encrypts under the ring's current `vault-seal` key. `context` is authenticated (GCM AAD): a
 * ciphertext moved to another record (another keyed hash, another agency code) fails to open.
 */
export function seal(ring: KeyRing, plaintext: string, context: string): Sealed {
  const keyVersion = ring.current;
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', subkey(ring, keyVersion, 'vault-seal'), nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { ciphertext, nonce, keyVersion };
}

export function unseal(ring: KeyRing, sealed: Sealed, context: string): string {
  const key = subkey(ring, sealed.keyVersion, 'vault-seal');
  const body = sealed.ciphertext.subarray(0, sealed.ciphertext.length - 16);
  const tag = sealed.ciphertext.subarray(sealed.ciphertext.length - 16);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.nonce);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch (cause) {
    // Wrong key material or a tampered / misplaced record: never a retriable condition.
    throw new TsunagiError('INTERNAL', 'a sealed identity record failed authentication', { cause });
  }
}

/** HMAC-SHA-256 under a versioned subkey: the only form in which a My Number or certificate is kept. */
export function keyedHash(ring: KeyRing, version: number, purpose: KeyPurpose, value: string): Buffer {
  return createHmac('sha256', subkey(ring, version, purpose))
    .update(value, 'utf8')
    .digest();
}

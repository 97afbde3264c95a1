import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { TsunagiError } from '../../core/errors.js';
import { type Checkpoint, formatCheckpoint } from './verifier/checkpoint.js';
import { ED25519_TYPE, isValidKeyName, keyIdHex } from './verifier/note.js';

/**
 * The log's C2SP signed-note signer (Ed25519). Keys are strings in golang.org/x/mod/sumdb/note's
 * format, so operators can make them with Go's `note.GenerateKey` or with `keygen` below:
 * signer `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ 32-byte seed)>`,
 * verifier `<name>+<hex key id>+<base64(0x01 ‖ 32-byte public key)>`.
 * Errors name the setting, never the key material.
 */
export interface NoteSigner {
  /** The key name; the log's checkpoints use it as their origin. */
  readonly name: string;
  readonly keyId: number;
  /** The public verifier key string, for auditors and the resident page. */
  readonly verifierKey: string;
  /** Signs a note text (ending in a newline) and returns the whole signed note. */
  sign(text: string): string;
}

// RFC 8410 PKCS#8 wrapping of a raw 32-byte Ed25519 seed.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const keyIdOf = (name: string, publicKey: Uint8Array): number =>
  createHash('sha256')
    .update(name)
    .update(Uint8Array.of(0x0a, ED25519_TYPE))
    .update(publicKey)
    .digest()
    .readUInt32BE(0);

const rawPublicKey = (privateKey: KeyObject): Buffer =>
  Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x as string, 'base64url');

export const verifierKeyString = (name: string, publicKey: Uint8Array): string =>
  `${name}+${keyIdHex(keyIdOf(name, publicKey))}+${Buffer.concat([Uint8Array.of(ED25519_TYPE), publicKey]).toString('base64')}`;

export function createNoteSigner(signerKey: string, setting = 'TSUNAGI_TRAIL_LOG_KEY'): NoteSigner {
  const invalid = (why: string) =>
    new TsunagiError('CONFIG_INVALID', `${setting}: ${why}`, { path: setting });
  // The base64 key may itself contain '+': only the first four separate fields, as in Go.
  const parts = signerKey.trim().split('+');
  const [private1, private2, name = '', hash = ''] = parts;
  const material = parts.slice(4).join('+');
  if (parts.length < 5 || private1 !== 'PRIVATE' || private2 !== 'KEY' || !/^[0-9a-fA-F]{8}$/.test(hash))
    throw invalid('a signer key has the form PRIVATE+KEY+<name>+<8 hex digits>+<base64 key>');
  if (!isValidKeyName(name)) throw invalid('the key name is empty or contains a space or "+"');
  const seed = Buffer.from(material, 'base64');
  if (seed.length !== 33 || seed[0] !== ED25519_TYPE || seed.toString('base64') !== material)
    throw invalid('the signer key is not an Ed25519 key (type 0x01, 32-byte seed, base64)');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed.subarray(1)]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = rawPublicKey(privateKey);
  const keyId = keyIdOf(name, publicKey);
  if (keyId !== Number.parseInt(hash, 16)) throw invalid('the key id does not match the key name and key');
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(keyId);
  return {
    name,
    keyId,
    verifierKey: verifierKeyString(name, publicKey),
    sign(text) {
      if (!text.endsWith('\n') || text.includes('\n\n') || /[^\P{Cc}\n]/u.test(text))
        throw new TsunagiError(
          'INTERNAL',
          'a note text must end in a newline and have no blank or control lines',
        );
      const signature = sign(null, Buffer.from(text, 'utf8'), privateKey);
      return `${text}\n\u2014 ${name} ${Buffer.concat([prefix, signature]).toString('base64')}\n`;
    },
  };
}

/** A fresh key pair for `name` (e.g. `registry.example.jp/access-trail`). */
export function generateSignerKey(name: string): { signerKey: string; verifierKey: string } {
  if (!isValidKeyName(name))
    throw new TsunagiError('INPUT_INVALID', 'a key name must be non-empty, without spaces or "+"', {
      path: 'name',
    });
  const seed = randomBytes(32);
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = rawPublicKey(privateKey);
  const material = Buffer.concat([Uint8Array.of(ED25519_TYPE), seed]).toString('base64');
  return {
    signerKey: `PRIVATE+KEY+${name}+${keyIdHex(keyIdOf(name, publicKey))}+${material}`,
    verifierKey: verifierKeyString(name, publicKey),
  };
}

/** The C2SP checkpoint of a tree state, signed; its origin is the signer's key name. */
export const signCheckpoint = (signer: NoteSigner, tree: Omit<Checkpoint, 'origin'>): string =>
  signer.sign(formatCheckpoint({ origin: signer.name, size: tree.size, root: tree.root }));

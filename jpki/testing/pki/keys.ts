/**
 * RSA-2048 keys as JPKI uses them. WebCrypto binds the hash to an RSASSA key, so a key that
 * must sign with SHA-1 (a deliberately weak test certificate) is re-imported with that hash.
 */
const RSA_PARAMS = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const;

export async function generateRsaKeys(): Promise<CryptoKeyPair> {
  return globalThis.crypto.subtle.generateKey(RSA_PARAMS, true, ['sign', 'verify']);
}

export type SigningHash = 'SHA-256' | 'SHA-1';

export async function withHash(privateKey: CryptoKey, hash: SigningHash): Promise<CryptoKey> {
  const current = (privateKey.algorithm as RsaHashedKeyAlgorithm).hash.name;
  if (current === hash) return privateKey;
  const pkcs8 = await globalThis.crypto.subtle.exportKey('pkcs8', privateKey);
  return globalThis.crypto.subtle.importKey('pkcs8', pkcs8, { name: RSA_PARAMS.name, hash }, false, ['sign']);
}

export async function exportPrivateKeyDer(privateKey: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.exportKey('pkcs8', privateKey));
}

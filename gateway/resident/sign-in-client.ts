import { derBlocks } from '../../jpki/pki.js';

/**
 * The resident's side of sign-in, as a browser page or the JPKI client software does it: ask for a
 * challenge, sign its exact UTF-8 text with the card's user-identification key (RSASSA-PKCS1-v1_5,
 * SHA-256), and post the certificate and the signature. Transport and signing are injected, so the
 * same steps serve the demo (a PKCS#8 key in WebCrypto), tests (fastify inject) and a real card
 * (a PKCS#11 signer). docs/jpki.md "Signing in with a card" gives the wire format.
 */
export type Post = (path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

/** Signs the challenge bytes; with a real card this is the card's signature with the auth PIN. */
export type CardSigner = (message: Uint8Array) => Promise<Uint8Array>;

export const SIGN_IN_ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export async function signInWithCard(deps: {
  post: Post;
  certificateDer: Uint8Array;
  sign: CardSigner;
}): Promise<{ status: number; body: unknown }> {
  const issued = await deps.post('/v1/resident/challenge');
  if (issued.status !== 200) return issued;
  const { challengeId, challenge } = issued.body as { challengeId: string; challenge: string };
  const signature = await deps.sign(new TextEncoder().encode(challenge));
  return deps.post('/v1/resident/sign-in', {
    challengeId,
    certificate: Buffer.from(deps.certificateDer).toString('base64'),
    signature: Buffer.from(signature).toString('base64'),
  });
}

/** A demo card's key, PKCS#8 PEM as the demo writes it, imported into WebCrypto for signing only. */
export async function importCardKey(pkcs8Pem: string): Promise<CryptoKey> {
  const body = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(pkcs8Pem)?.[1];
  if (!body) throw new Error('not a PKCS#8 PEM private key');
  const der = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  return globalThis.crypto.subtle.importKey('pkcs8', der, SIGN_IN_ALGORITHM, false, ['sign']);
}

export const webCryptoSigner =
  (privateKey: CryptoKey): CardSigner =>
  async (message) =>
    new Uint8Array(
      await globalThis.crypto.subtle.sign(
        SIGN_IN_ALGORITHM.name,
        privateKey,
        message as Uint8Array<ArrayBuffer>,
      ),
    );

/** A demo card from its two files' contents: the certificate PEM and the PKCS#8 key PEM. */
export async function demoCard(files: { certificatePem: string; keyPem: string }) {
  const [certificateDer] = derBlocks(files.certificatePem, 'certificate');
  if (!certificateDer) throw new Error('the card file holds no certificate');
  return { certificateDer, sign: webCryptoSigner(await importCardKey(files.keyPem)) };
}

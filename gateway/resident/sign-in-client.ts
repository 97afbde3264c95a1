import { importSigningKey, toDer } from '../../jpki/pki.js';

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
  const certificateDer = toDer(files.certificatePem);
  if (!certificateDer) throw new Error('the card file does not hold one certificate');
  return { certificateDer, sign: webCryptoSigner(await importSigningKey(files.keyPem)) };
}

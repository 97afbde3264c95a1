import type { TextKey } from './i18n.js';

/**
 * The demo card's two files, as the page reads them: a PEM certificate and a PKCS#8 PEM key. The key
 * is imported into WebCrypto not extractable, sign only: its material stays inside WebCrypto and the
 * page can only ask it to sign (RSASSA-PKCS1-v1_5, SHA-256, as the card does; docs/jpki.md).
 */
export interface Card {
  certificate: Uint8Array;
  sign(challenge: string): Promise<Uint8Array>;
}

function pem(text: string, label: string): Uint8Array | undefined {
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(text);
  if (!match) return undefined;
  const binary = atob((match[1] ?? '').replace(/\s+/g, ''));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export const base64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

export async function readCard(certificateText: string, keyText: string): Promise<Card | { error: TextKey }> {
  const certificate = pem(certificateText, 'CERTIFICATE');
  if (!certificate) return { error: 'notCertificate' };
  const pkcs8 = pem(keyText, 'PRIVATE KEY');
  if (!pkcs8) return { error: 'notKey' };
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey(
      'pkcs8',
      pkcs8 as Uint8Array<ArrayBuffer>,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
  } catch {
    return { error: 'notKey' };
  }
  return {
    certificate,
    sign: async (challenge) =>
      new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(challenge))),
  };
}

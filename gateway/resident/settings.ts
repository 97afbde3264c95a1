import { TsunagiError } from '../../core/errors.js';
import { readCertificateFiles } from '../../jpki/certificate-files.js';
import { loadJpkiSettings } from '../../jpki/settings.js';
import { loadSessionSettings } from './session-token.js';

export interface ResidentSignInSettings {
  /** DER, one per certificate: every certificate of every file (bundles are split). */
  trustAnchors: Uint8Array[];
  intermediates: Uint8Array[];
  challengeTtlMs: number;
  /** Absent: the CRL view alone answers revocation. */
  ocsp?: { url: string; timeoutMs: number };
  session: ReturnType<typeof loadSessionSettings>;
}

/**
 * JPKI_* and TSUNAGI_SESSION_* from the environment, with the certificate files read strictly
 * (jpki/certificate-files.ts): a file holding no certificate stops the gateway (docs/jpki.md).
 */
export async function loadResidentSignInSettings(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResidentSignInSettings> {
  const jpki = loadJpkiSettings(env);
  if (jpki.JPKI_TRUST_ANCHORS.length === 0)
    throw new TsunagiError('CONFIG_INVALID', 'JPKI_TRUST_ANCHORS names no file', {
      path: 'JPKI_TRUST_ANCHORS',
    });
  return {
    trustAnchors: await readCertificateFiles('JPKI_TRUST_ANCHORS', jpki.JPKI_TRUST_ANCHORS),
    intermediates: await readCertificateFiles('JPKI_INTERMEDIATES', jpki.JPKI_INTERMEDIATES),
    challengeTtlMs: jpki.JPKI_CHALLENGE_TTL_MS,
    ...(jpki.JPKI_OCSP_URL
      ? { ocsp: { url: jpki.JPKI_OCSP_URL, timeoutMs: jpki.JPKI_OCSP_TIMEOUT_MS } }
      : {}),
    session: loadSessionSettings(env),
  };
}

/**
 * Several instances check each other's tokens, so they need one key: a key generated per process
 * (TSUNAGI_SESSION_KEY unset outside production) would make every other instance refuse the token.
 */
export function requireSharedSessionKey(session: { generated: boolean }, instances: number): void {
  if (session.generated && instances > 1)
    throw new TsunagiError(
      'CONFIG_INVALID',
      'TSUNAGI_SESSION_KEY must be set, the same on every instance, when GATEWAY_INSTANCES is more than 1',
      { path: 'TSUNAGI_SESSION_KEY' },
    );
}

import { readFile } from 'node:fs/promises';
import { TsunagiError } from '../../core/errors.js';
import { loadJpkiSettings } from '../../jpki/settings.js';
import { loadSessionSettings } from './session-token.js';

export interface ResidentSignInSettings {
  trustAnchors: Uint8Array[];
  intermediates: Uint8Array[];
  challengeTtlMs: number;
  /** Absent: the CRL view alone answers revocation. */
  ocsp?: { url: string; timeoutMs: number };
  session: ReturnType<typeof loadSessionSettings>;
}

/** JPKI_* and TSUNAGI_SESSION_* from the environment, with the PEM files read (docs/jpki.md). */
export async function loadResidentSignInSettings(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResidentSignInSettings> {
  const jpki = loadJpkiSettings(env);
  if (jpki.JPKI_TRUST_ANCHORS.length === 0)
    throw new TsunagiError('CONFIG_INVALID', 'JPKI_TRUST_ANCHORS names no file', {
      path: 'JPKI_TRUST_ANCHORS',
    });
  const read = (variable: string, files: readonly string[]) =>
    Promise.all(
      files.map((file) =>
        readFile(file).then(
          (bytes) => new Uint8Array(bytes),
          (cause: unknown) => {
            throw new TsunagiError('CONFIG_INVALID', `${variable}: cannot read ${file}`, {
              path: variable,
              cause,
            });
          },
        ),
      ),
    );
  return {
    trustAnchors: await read('JPKI_TRUST_ANCHORS', jpki.JPKI_TRUST_ANCHORS),
    intermediates: await read('JPKI_INTERMEDIATES', jpki.JPKI_INTERMEDIATES),
    challengeTtlMs: jpki.JPKI_CHALLENGE_TTL_MS,
    ...(jpki.JPKI_OCSP_URL
      ? { ocsp: { url: jpki.JPKI_OCSP_URL, timeoutMs: jpki.JPKI_OCSP_TIMEOUT_MS } }
      : {}),
    session: loadSessionSettings(env),
  };
}

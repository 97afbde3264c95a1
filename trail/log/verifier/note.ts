import { concat, fromBase64, fromUtf8, utf8 } from './bytes.js';
import { sha256 } from './merkle.js';

/**
 * C2SP signed-note (https://c2sp.org/signed-note) with Ed25519, browser-safe (Web Crypto). Key
 * strings are those of golang.org/x/mod/sumdb/note: a verifier key is
 * `<name>+<hex key id>+<base64(0x01 ‖ 32-byte public key)>`.
 */
export const ED25519_TYPE = 0x01;
/** Go's note.Open refuses more; the spec asks verifiers to accept at least 16. */
export const MAX_SIGNATURES = 100;
const SIGNATURE_PREFIX = '\u2014 ';

export interface VerifierKey {
  name: string;
  /** uint32: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], big-endian. */
  keyId: number;
  publicKey: Uint8Array;
}

export interface NoteSignature {
  name: string;
  keyId: number;
  signature: Uint8Array;
}

export interface SignedNote {
  /** The signed text, including its final newline. */
  text: string;
  signatures: NoteSignature[];
}

// Go's unicode.IsSpace: Latin-1 spaces and the Unicode White_Space property.
const SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;

/** Key names are non-empty and contain neither Unicode spaces nor `+`. */
export const isValidKeyName = (name: string): boolean =>
  name.length > 0 && !SPACE.test(name) && !name.includes('+') && !hasControl(name, false);

/** ASCII control characters (below U+0020); a newline counts only when `newlineAllowed` is false. */
function hasControl(text: string, newlineAllowed: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && !(newlineAllowed && code === 0x0a)) return true;
  }
  return false;
}

export async function keyIdOf(name: string, publicKey: Uint8Array): Promise<number> {
  const digest = await sha256(concat(utf8(name), Uint8Array.of(0x0a, ED25519_TYPE), publicKey));
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0);
}

export const keyIdHex = (keyId: number): string => keyId.toString(16).padStart(8, '0');

/** Parses a verifier key string; `undefined` with a reason when it is not a valid Ed25519 vkey. */
export async function parseVerifierKey(
  text: string,
): Promise<{ ok: true; key: VerifierKey } | { ok: false; detail: string }> {
  // The base64 key may itself contain '+': only the first two separate fields, as in Go.
  const parts = text.trim().split('+');
  const [name = '', hash = ''] = parts;
  const material = parts.slice(2).join('+');
  if (parts.length < 3 || !isValidKeyName(name) || !/^[0-9a-fA-F]{8}$/.test(hash))
    return { ok: false, detail: 'a verifier key has the form <name>+<8 hex digits>+<base64 key>' };
  const bytes = fromBase64(material);
  if (bytes?.length !== 33 || bytes[0] !== ED25519_TYPE)
    return { ok: false, detail: 'the verifier key is not an Ed25519 key (type 0x01, 32 bytes)' };
  const publicKey = bytes.slice(1);
  const keyId = Number.parseInt(hash, 16);
  if ((await keyIdOf(name, publicKey)) !== keyId)
    return { ok: false, detail: 'the verifier key id does not match its name and public key' };
  return { ok: true, key: { name, keyId, publicKey } };
}

/** Parses the note syntax (not the signatures' validity), as Go's note.Open does. */
export function parseSignedNote(message: Uint8Array | string): SignedNote | { malformed: string } {
  const text = typeof message === 'string' ? message : fromUtf8(message);
  if (text === undefined) return { malformed: 'the note is not valid UTF-8' };
  if (hasControl(text, true)) return { malformed: 'the note contains a control character' };
  const split = text.lastIndexOf('\n\n');
  if (split < 0) return { malformed: 'the note has no blank line before its signatures' };
  const body = text.slice(0, split + 1);
  const block = text.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) return { malformed: 'the note has no signature lines' };
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES)
    return { malformed: `the note has more than ${MAX_SIGNATURES} signatures` };
  const signatures: NoteSignature[] = [];
  for (const [n, line] of lines.entries()) {
    const [name = '', encoded = '', extra] = line.startsWith(SIGNATURE_PREFIX)
      ? line.slice(SIGNATURE_PREFIX.length).split(' ')
      : [];
    const raw = fromBase64(encoded);
    if (extra !== undefined || !isValidKeyName(name) || !raw || raw.length < 5)
      return { malformed: `signature line ${n + 1} is not "— <name> <base64>"` };
    const keyId = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0);
    signatures.push({ name, keyId, signature: raw.slice(4) });
  }
  return { text: body, signatures };
}

export type NoteRefusal = 'CHECKPOINT_MALFORMED' | 'KEY_UNKNOWN' | 'SIGNATURE_INVALID';

/**
 * Opens a signed note with one trusted key: signatures by other keys are ignored, a signature by the
 * trusted key (same name and key id) must verify, and at least one must (C2SP signed-note).
 */
export async function openNote(
  message: Uint8Array | string,
  key: VerifierKey,
): Promise<{ ok: true; text: string } | { ok: false; reason: NoteRefusal; detail: string }> {
  const note = parseSignedNote(message);
  if ('malformed' in note) return { ok: false, reason: 'CHECKPOINT_MALFORMED', detail: note.malformed };
  const ours = note.signatures.filter((s) => s.name === key.name && s.keyId === key.keyId);
  if (ours.length === 0) {
    const others = note.signatures.map((s) => `${s.name} (key id ${keyIdHex(s.keyId)})`).join(', ');
    return {
      ok: false,
      reason: 'KEY_UNKNOWN',
      detail: `no signature by ${key.name} (key id ${keyIdHex(key.keyId)}); signed by ${others}`,
    };
  }
  const publicKey = await globalThis.crypto.subtle.importKey(
    'raw',
    key.publicKey as Uint8Array<ArrayBuffer>,
    { name: 'Ed25519' },
    false,
    ['verify'],
  );
  const text = utf8(note.text);
  for (const { signature } of ours) {
    const valid =
      signature.length === 64 &&
      (await globalThis.crypto.subtle.verify(
        { name: 'Ed25519' },
        publicKey,
        signature as Uint8Array<ArrayBuffer>,
        text as Uint8Array<ArrayBuffer>,
      ));
    if (!valid)
      return {
        ok: false,
        reason: 'SIGNATURE_INVALID',
        detail: `the signature by ${key.name} does not verify: the note was altered or signed with another key`,
      };
  }
  return { ok: true, text: note.text };
}

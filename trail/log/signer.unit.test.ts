import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_KEY_NAME, demoKeyFiles, loadTrailLogConfig } from './config.js';
import { createNoteSigner, generateSignerKey, signCheckpoint } from './signer.js';
import { parseCheckpoint } from './verifier/checkpoint.js';
import { openNote, parseVerifierKey, type VerifierKey } from './verifier/note.js';
import { verifyCheckpoint } from './verifier/verify.js';

// The example key and note of golang.org/x/mod/sumdb/note's documentation (Ed25519 is
// deterministic, so our signature must be byte-identical to Go's).
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
// The example of the C2SP signed-note specification.
const C2SP_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const C2SP_NOTE =
  'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

const key = async (text: string): Promise<VerifierKey> => {
  const parsed = await parseVerifierKey(text);
  if (!parsed.ok) throw new Error(parsed.detail);
  return parsed.key;
};

describe('signed notes (known answers)', () => {
  it('signs exactly as Go sumdb/note does, and publishes the same verifier key', () => {
    const signer = createNoteSigner(GO_SKEY);
    expect(signer.sign(GO_TEXT)).toBe(GO_NOTE);
    expect(signer.verifierKey).toBe(GO_VKEY);
    expect(signer.keyId).toBe(0xc74f20a3);
  });

  it("verifies the C2SP specification's example and Go's example", async () => {
    expect(await openNote(C2SP_NOTE, await key(C2SP_VKEY))).toEqual({
      ok: true,
      text: 'This is an example message.\n',
    });
    expect(await openNote(new TextEncoder().encode(GO_NOTE), await key(GO_VKEY))).toEqual({
      ok: true,
      text: GO_TEXT,
    });
  });

  it('ignores signatures by other keys beside a valid one', async () => {
    const other = createNoteSigner(generateSignerKey('other.example/log').signerKey);
    const cosigned = `${GO_NOTE}${other.sign(GO_TEXT).split('\n\n')[1]}`;
    expect(await openNote(cosigned, await key(GO_VKEY))).toMatchObject({ ok: true });
  });

  it('refuses another key, an altered text or signature, and malformed notes, with reasons', async () => {
    const vkey = await key(GO_VKEY);
    const other = createNoteSigner(generateSignerKey('PeterNeumann').signerKey);
    expect(await openNote(other.sign(GO_TEXT), vkey)).toMatchObject({
      ok: false,
      reason: 'KEY_UNKNOWN',
      detail: expect.stringMatching(
        /^no signature by PeterNeumann \(key id c74f20a3\); signed by PeterNeumann \(key id [0-9a-f]{8}\)$/,
      ),
    });
    expect(await openNote(GO_NOTE.replace('answer', 'Answer'), vkey)).toMatchObject({
      ok: false,
      reason: 'SIGNATURE_INVALID',
    });
    expect(await openNote(GO_NOTE.replace('x08go/ZJ', 'x08go/ZK'), vkey)).toMatchObject({
      reason: 'SIGNATURE_INVALID',
    });
    for (const [note, detail] of [
      [GO_TEXT, 'the note has no blank line before its signatures'],
      [GO_NOTE.replace('\u2014', '-'), 'signature line 1 is not "— <name> <base64>"'],
      [GO_NOTE.slice(0, -1), 'the note has no signature lines'],
      [`a\tb\n${GO_NOTE}`, 'the note contains a control character'],
    ] as const)
      expect(await openNote(note, vkey)).toEqual({ ok: false, reason: 'CHECKPOINT_MALFORMED', detail });
    expect(await openNote(Uint8Array.of(0xff, 0x0a, 0x0a), vkey)).toMatchObject({
      detail: 'the note is not valid UTF-8',
    });
  });

  it('parses verifier keys strictly', async () => {
    expect(
      await parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    ).toEqual({
      ok: false,
      detail: 'the verifier key id does not match its name and public key',
    });
    expect(await parseVerifierKey('Peter Neumann+c74f20a3+AR')).toMatchObject({ ok: false });
    expect(await parseVerifierKey(GO_SKEY)).toMatchObject({ ok: false });
  });

  it('refuses malformed signer keys with CONFIG_INVALID naming the setting, never the key', () => {
    const bad = `${GO_SKEY.slice(0, -4)}AAAA`;
    expect(() => createNoteSigner(bad)).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        path: 'TSUNAGI_TRAIL_LOG_KEY',
        message: 'TSUNAGI_TRAIL_LOG_KEY: the key id does not match the key name and key',
      }),
    );
    expect(() => createNoteSigner(GO_VKEY)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    try {
      createNoteSigner(bad);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('AYEKFALV');
    }
  });
});

describe('checkpoints', () => {
  it('are C2SP tlog-checkpoints whose origin is the key name', async () => {
    const { signerKey, verifierKey } = generateSignerKey('registry.example.jp/access-trail');
    const root = new Uint8Array(32).fill(7);
    const note = signCheckpoint(createNoteSigner(signerKey), { size: 20_852_163, root });
    expect(note.split('\n').slice(0, 4)).toEqual([
      'registry.example.jp/access-trail',
      '20852163',
      'BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=',
      '',
    ]);
    expect(await verifyCheckpoint(note, await key(verifierKey))).toEqual({
      ok: true,
      checkpoint: { origin: 'registry.example.jp/access-trail', size: 20_852_163, root },
    });
    expect(await verifyCheckpoint(note, await key(verifierKey), 'elsewhere.example/log')).toEqual({
      ok: false,
      reason: 'ORIGIN_MISMATCH',
      detail: 'the checkpoint is for log "registry.example.jp/access-trail", not "elsewhere.example/log"',
    });
  });

  it('parse strictly: decimal size without leading zeros, a 32-byte base64 root', () => {
    const root = 'BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=';
    expect(parseCheckpoint(`o\n012\n${root}\n`)).toMatchObject({
      ok: false,
      detail: expect.stringContaining('size'),
    });
    expect(parseCheckpoint(`o\n12\n${root.slice(4)}\n`)).toMatchObject({
      ok: false,
      detail: expect.stringContaining('root'),
    });
    expect(parseCheckpoint(`\n12\n${root}\n`)).toMatchObject({
      ok: false,
      detail: 'the checkpoint has no origin line',
    });
    expect(parseCheckpoint(`o\n12\n${root}\next\n`)).toMatchObject({ ok: true, extensions: ['ext'] });
  });
});

describe('key configuration', () => {
  it('requires TSUNAGI_TRAIL_LOG_KEY in production', () => {
    const home = mkdtempSync(join(tmpdir(), 'tsunagi-trail-key-'));
    try {
      expect(() => loadTrailLogConfig(home, { NODE_ENV: 'production' })).toThrow(
        expect.objectContaining({
          code: 'CONFIG_INVALID',
          path: 'TSUNAGI_TRAIL_LOG_KEY',
          message: 'TSUNAGI_TRAIL_LOG_KEY is required in production',
        }),
      );
      const given = generateSignerKey('registry.example.jp/access-trail').signerKey;
      expect(() =>
        loadTrailLogConfig(home, { NODE_ENV: 'production', TSUNAGI_TRAIL_LOG_KEY: given }),
      ).toThrow(
        expect.objectContaining({
          code: 'CONFIG_INVALID',
          path: 'TSUNAGI_TRAIL_SUBJECT_KEY',
          message: 'TSUNAGI_TRAIL_SUBJECT_KEY is required in production',
        }),
      );
      const subjectKey = Buffer.alloc(32, 3).toString('base64');
      const production = { NODE_ENV: 'production', TSUNAGI_TRAIL_SUBJECT_KEY: subjectKey };
      const config = loadTrailLogConfig(home, { ...production, TSUNAGI_TRAIL_LOG_KEY: given });
      expect(config).toMatchObject({ demoKey: false, checkpointIntervalMs: 10_000, metricsPort: 9465 });
      expect(config.signer.name).toBe('registry.example.jp/access-trail');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('generates the demo key once into TSUNAGI_HOME, owner-only, with the verifier key beside it', () => {
    const home = mkdtempSync(join(tmpdir(), 'tsunagi-trail-key-'));
    try {
      const first = loadTrailLogConfig(home, {});
      expect(first.demoKey).toBe(true);
      expect(first.signer.name).toBe(DEMO_KEY_NAME);
      expect(loadTrailLogConfig(home, {}).signer.verifierKey).toBe(first.signer.verifierKey);
      const files = demoKeyFiles(home);
      expect(statSync(files.signer).mode & 0o777).toBe(0o600);
      expect(readFileSync(files.verifier, 'utf8').trim()).toBe(first.signer.verifierKey);
      expect(first.storeDir).toBe(join(home, 'data', 'trail-log'));
      // The hub's trail subject key too: generated once, owner-only, the same on every load.
      expect(statSync(files.subject).mode & 0o777).toBe(0o600);
      expect(loadTrailLogConfig(home, {}).subjects.residentKey('lnk_a')).toEqual(
        first.subjects.residentKey('lnk_a'),
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

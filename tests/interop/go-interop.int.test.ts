import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { infraPaths } from '../../infra/paths.js';
import { createTrailSubjectKeys, publicEntryBytes } from '../../trail/log/public-entry.js';
import { createNoteSigner, generateSignerKey } from '../../trail/log/signer.js';
import { testDisclosure } from '../../trail/log/testdata/disclosures.js';
import { forkedLog, signedLog } from '../../trail/log/testdata/signed-log.js';
import { formatCheckpoint } from '../../trail/log/verifier/checkpoint.js';
import { parseVerifierKey } from '../../trail/log/verifier/note.js';
import { verifyCheckpoint } from '../../trail/log/verifier/verify.js';
import { testConfig } from '../support/infra.js';

/**
 * Interoperability with transparency tools we did not write: a small Go program (tests/interop/go)
 * verifies our checkpoints with golang.org/x/mod/sumdb/note and transparency-dev/formats, and our
 * proofs with transparency-dev/merkle. Built once per source version into TSUNAGI_HOME's cache.
 */
const SOURCE = join(import.meta.dirname, 'go');
const run = promisify(execFile);

async function buildInteropTool(): Promise<string> {
  const go = await run('go', ['version']).catch(() => undefined);
  if (!go)
    throw new Error(
      'Go is missing: the interop tests build tests/interop/go with the `go` command (Go ≥ 1.25, https://go.dev/dl/); install it and re-run',
    );
  const digest = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'main.go']) digest.update(readFileSync(join(SOURCE, file)));
  const dir = join(infraPaths(testConfig().home).cache, 'go-interop', digest.digest('hex').slice(0, 16));
  const binary = join(dir, 'trail-interop');
  if (existsSync(binary)) return binary;
  console.log(`building the Go interop verifier once into ${dir} (modules from the Go proxy)`);
  mkdirSync(dir, { recursive: true });
  await run('go', ['build', '-o', `${binary}.tmp`, '.'], { cwd: SOURCE, timeout: 600_000 });
  renameSync(`${binary}.tmp`, binary);
  return binary;
}

interface Outcome {
  ok: boolean;
  error?: string;
  size?: number;
  root?: string;
}
interface Report {
  checkpoints: Outcome[];
  inclusion: Outcome[];
  consistency: Outcome[];
  signed?: string;
  generated?: [string, string];
}

function ask(binary: string, request: object): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`go: ${err}`))));
    child.stdin.end(JSON.stringify(request));
  });
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
// Entries are public trail entries, as the log hashes them (trail/log/public-entry.ts).
const subjects = createTrailSubjectKeys(new Uint8Array(32).fill(9));
const log = signedLog(1_000, { entry: (i) => publicEntryBytes(testDisclosure(i), subjects) });
const fork = forkedLog(log, 1_000, 10);
const impostor = signedLog(1_000);

describe("Go's transparency tools verify our checkpoints and proofs", () => {
  let binary: string;
  beforeAll(async () => {
    binary = await buildInteropTool();
  }, 600_000);

  it('accepts our checkpoints, inclusion and consistency proofs, and refuses the attacks', async () => {
    const inclusion = (checkpoint: number, index: number, size: number, entry = log.entry(index)) => {
      const proof = log.inclusion(index, size);
      return { checkpoint, index, entry: b64(entry), hashes: proof.hashes.map(b64) };
    };
    const tampered = inclusion(0, 617, 1_000);
    tampered.hashes[3] = b64(new Uint8Array(32));
    const consistency = (older: number, newer: number, size1: number, size2: number) => ({
      older,
      newer,
      hashes: log.consistency(size1, size2).hashes.map(b64),
    });
    const report = await ask(binary, {
      verifierKey: log.verifierKey,
      origin: log.signer.name,
      checkpoints: [
        log.checkpoint(1_000),
        log.checkpoint(400),
        log.checkpoint(1),
        fork.checkpoint(1_000),
        impostor.checkpoint(1_000),
        log.checkpoint(1_000).replace('\n1000\n', '\n999\n'),
      ],
      inclusion: [
        inclusion(0, 0, 1_000),
        inclusion(0, 617, 1_000),
        inclusion(0, 999, 1_000),
        inclusion(1, 399, 400),
        inclusion(2, 0, 1),
        tampered,
        inclusion(0, 617, 1_000, new TextEncoder().encode('tampered entry')),
      ],
      consistency: [
        consistency(1, 0, 400, 1_000),
        consistency(2, 0, 1, 1_000),
        consistency(2, 1, 1, 400),
        consistency(1, 3, 400, 1_000),
        { ...consistency(1, 0, 400, 1_000), hashes: consistency(1, 0, 399, 1_000).hashes },
      ],
    });
    expect(report.checkpoints.map((c) => c.ok)).toEqual([true, true, true, true, false, false]);
    expect(report.checkpoints[0]).toMatchObject({ size: 1_000 });
    // Go's reasons match ours: another key is KEY_UNKNOWN, an altered note SIGNATURE_INVALID.
    expect(report.checkpoints[4]?.error).toContain('note has no verifiable signatures');
    expect(report.checkpoints[5]?.error).toContain(`invalid signature for key ${log.signer.name}`);
    expect(report.inclusion.map((c) => c.ok)).toEqual([true, true, true, true, true, false, false]);
    expect(report.consistency.map((c) => c.ok)).toEqual([true, true, true, false, false]);
    for (const refused of [...report.inclusion.slice(5), report.consistency[3]])
      expect(refused?.error).toContain('does not match expected root');
    expect(report.consistency[4]?.error).toBe('wrong proof size 11, want 7');
  });

  it('signs identically with the same key, and its generated keys work with ours', async () => {
    const { signerKey, verifierKey } = generateSignerKey('test.tsunagi.localhost/access-trail');
    const text = formatCheckpoint({
      origin: 'test.tsunagi.localhost/access-trail',
      size: 5,
      root: new Uint8Array(32).fill(1),
    });
    const fromGo = await ask(binary, {
      verifierKey,
      origin: 'x',
      checkpoints: [],
      signerKey,
      signText: text,
      generateName: 'go.example/log',
    });
    expect(fromGo.signed).toBe(createNoteSigner(signerKey).sign(text));

    const [goSigner, goVerifier] = fromGo.generated as [string, string];
    const ours = createNoteSigner(goSigner);
    expect(ours.verifierKey).toBe(goVerifier);
    const goKey = await parseVerifierKey(goVerifier);
    if (!goKey.ok) throw new Error(goKey.detail);
    const goText = formatCheckpoint({ origin: 'go.example/log', size: 5, root: new Uint8Array(32).fill(1) });
    const signedByGo = await ask(binary, {
      verifierKey: goVerifier,
      origin: 'x',
      checkpoints: [],
      signerKey: goSigner,
      signText: goText,
    });
    expect(await verifyCheckpoint(signedByGo.signed as string, goKey.key)).toMatchObject({
      ok: true,
      checkpoint: { size: 5 },
    });
  });
});

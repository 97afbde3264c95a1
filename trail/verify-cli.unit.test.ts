import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createTrailSubjectKeys, publicEntryBytes } from './log/public-entry.js';
import { testDisclosure } from './log/testdata/disclosures.js';
import { forkedLog, signedLog } from './log/testdata/signed-log.js';
import { consistencyProofToJson, inclusionProofToJson } from './log/verifier/proof-json.js';
import { runVerifier } from './verify-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tsunagi-verify-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const log = signedLog(1_000);
const fork = forkedLog(log, 1_000, 10);
const impostor = signedLog(1_000);
const tamperedProof = log.inclusion(617);
tamperedProof.hashes[2] = tamperedProof.hashes[2]?.map((b) => b ^ 0xff) as Uint8Array;
const files = {
  key: file('log.vkey', `${log.verifierKey}\n`),
  checkpoint: file('checkpoint', log.checkpoint()),
  old: file('checkpoint.400', log.checkpoint(400)),
  forked: file('checkpoint.fork', fork.checkpoint()),
  impostor: file('checkpoint.impostor', impostor.checkpoint()),
  entry: file('entry.617', log.entry(617)),
  tamperedEntry: file(
    'entry.617.tampered',
    log.entry(617).map((b, i) => (i === 0 ? b ^ 1 : b)),
  ),
  proof: file('proof.617.json', JSON.stringify(inclusionProofToJson(log.inclusion(617)))),
  tamperedProof: file('proof.617.tampered.json', JSON.stringify(inclusionProofToJson(tamperedProof))),
  consistency: file('consistency.json', JSON.stringify(consistencyProofToJson(log.consistency(400)))),
};

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runVerifier(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out: out.join('\n'), err: err.join('\n') };
}
const inclusion = (overrides: Record<string, string> = {}) => {
  const options = {
    key: files.key,
    checkpoint: files.checkpoint,
    proof: files.proof,
    entry: files.entry,
    ...overrides,
  };
  return run('inclusion', ...Object.entries(options).flatMap(([k, v]) => [`--${k}`, v]));
};
const consistency = (newer: string) =>
  run(
    'consistency',
    '--key',
    log.verifierKey,
    '--old',
    files.old,
    '--new',
    newer,
    '--proof',
    files.consistency,
  );

describe('the standalone verifier CLI', () => {
  it('verifies a checkpoint, an entry, and that the log only grew', async () => {
    expect(await run('checkpoint', '--key', files.key, files.checkpoint)).toMatchObject({
      status: 0,
      out: expect.stringMatching(
        /^verified: the log registry.example.jp\/access-trail at size 1000 \(root .+=\)$/,
      ),
    });
    expect(await inclusion()).toMatchObject({
      status: 0,
      out: expect.stringContaining('verified: entry 617 is in'),
    });
    expect(await consistency(files.checkpoint)).toMatchObject({
      status: 0,
      out: expect.stringContaining('extends size 400'),
    });
  });

  const attacks: Array<[string, () => ReturnType<typeof run>, RegExp]> = [
    [
      'a tampered entry',
      () => inclusion({ entry: files.tamperedEntry }),
      /^\(ENTRY_MISMATCH\): the entry hashes to leaf /,
    ],
    [
      'a tampered proof',
      () => inclusion({ proof: files.tamperedProof }),
      /^\(PROOF_INVALID\): inclusion proof for index 617: the proof does not lead to the tree's root hash$/,
    ],
    [
      'a checkpoint signed by another key',
      () => inclusion({ checkpoint: files.impostor }),
      /^\(KEY_UNKNOWN\): no signature by registry.example.jp\/access-trail/,
    ],
    [
      'an altered checkpoint',
      () => inclusion({ checkpoint: file('altered', log.checkpoint().replace('1000', '1001')) }),
      /^\(SIGNATURE_INVALID\): the signature by registry.example.jp\/access-trail does not verify/,
    ],
    ['a rewritten log', () => consistency(files.forked), /^\(NOT_CONSISTENT\): consistency 400 → 1000: /],
  ];
  it.each(attacks)('exits 1 with the reason for %s', async (_, attack, reason) => {
    const { status, out, err } = await attack();
    expect({ status, out }).toEqual({ status: 1, out: '' });
    expect(err.replace('verification FAILED ', '')).toMatch(reason);
    expect(err).toMatch(/^verification FAILED /);
  });

  it('exits 2 with what is unusable and the usage', async () => {
    expect(await inclusion({ entry: join(dir, 'missing') })).toMatchObject({
      status: 2,
      err: expect.stringMatching(/^--entry .*missing does not exist\nusage:/),
    });
    expect(await inclusion({ proof: file('bad.json', '{"index":1}') })).toMatchObject({
      status: 2,
      err: expect.stringMatching(/^--proof .*bad.json: size: /),
    });
    expect(await inclusion({ key: 'not-a-key' })).toMatchObject({
      status: 2,
      err: expect.stringContaining('--key: '),
    });
    expect(await run('frobnicate', '--key', files.key)).toMatchObject({
      status: 2,
      err: expect.stringContaining('unknown command'),
    });
    expect(await run('checkpoint', '--kee', files.key)).toMatchObject({ status: 2 });
  });

  it("checks with --resident-key that a public entry is the resident's", async () => {
    const subjects = createTrailSubjectKeys(new Uint8Array(32).fill(5));
    const publicLog = signedLog(100, { entry: (i) => publicEntryBytes(testDisclosure(i), subjects) });
    const trailKey = Buffer.from(subjects.residentKey('lnk_merkle_2_abc')).toString('base64');
    const verify = (index: number, residentKey: string) =>
      run(
        'inclusion',
        '--key',
        publicLog.verifierKey,
        '--checkpoint',
        file('public.checkpoint', publicLog.checkpoint()),
        '--proof',
        file(`public.${index}.json`, JSON.stringify(inclusionProofToJson(publicLog.inclusion(index)))),
        '--entry',
        file(`public.${index}`, publicLog.entry(index)),
        '--resident-key',
        residentKey,
      );
    expect(await verify(17, trailKey)).toEqual({
      status: 0,
      out: "verified: entry 17 is in the log and is the resident's: 2026-04-01T00:00:17.000Z 131016 child-allowance-eligibility LOCAL_TAX_INCOME DISCLOSED",
      err: '',
    });
    expect(await verify(16, trailKey)).toMatchObject({
      status: 1,
      err: expect.stringMatching(/^verification FAILED \(NOT_YOUR_ENTRY\): entry 16 is in the log but/),
    });
    expect(await verify(17, 'c2hvcnQ=')).toMatchObject({
      status: 2,
      err: expect.stringMatching(/^--resident-key: not the base64 of a 32-byte trail key\nusage:/),
    });
  });

  it('runs as a process: npx tsx trail/verify.ts, with exit statuses 0 and 1', async () => {
    const verify = (proof: string) =>
      promisify(execFile)(process.execPath, [
        '--import',
        'tsx',
        'trail/verify.ts',
        'inclusion',
        '--key',
        files.key,
        '--checkpoint',
        files.checkpoint,
        '--proof',
        proof,
        '--entry',
        files.entry,
      ]).then(
        () => 0,
        (error: { code: number; stderr: string }) => error.code,
      );
    expect(await verify(files.proof)).toBe(0);
    expect(await verify(files.tamperedProof)).toBe(1);
  }, 60_000);
});

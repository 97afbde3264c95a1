import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionKafka } from '../../infra/provision.js';
import { Topics, topicName } from '../../schemas/topics.js';
import { demoKeyFiles } from '../../trail/log/config.js';
import { createTrailLogProver } from '../../trail/log/prover.js';
import { openTrailLogStore } from '../../trail/log/store.js';
import { testDisclosure } from '../../trail/log/testdata/disclosures.js';
import { parseVerifierKey } from '../../trail/log/verifier/note.js';
import { verifyLogConsistency } from '../../trail/log/verifier/verify.js';
import { createDisclosureRecorder } from '../../trail/recorder.js';
import { testConfig, testKafka, testLogger, testStore } from '../support/infra.js';
import { readTopic } from '../support/read-topic.js';

/**
 * The trail's Merkle log as it runs and as an auditor uses it: the service (trail/log/main.ts) runs
 * as its own process under an isolated home and topic prefix, follows a single-partition trail the
 * recorder writes, publishes checkpoints; then the operator CLI hands out a checkpoint, proofs and an
 * entry, and the standalone verifier checks them, as docs/trail-log.md describes.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const logger = testLogger();
const base = testConfig();
const config = {
  ...base,
  TOPIC_PREFIX: `test.trail-e2e.${Date.now().toString(36)}${randomBytes(2).toString('hex')}.`,
};
const home = mkdtempSync(join(tmpdir(), 'tsunagi-trail-e2e-'));
const kafka = testKafka(config);
const trailTopic = topicName(config.TOPIC_PREFIX, Topics.accessTrail);
const checkpointTopic = topicName(config.TOPIC_PREFIX, Topics.trailCheckpoints);
let metricsPort: number;
let service: ChildProcess;
let serviceLog = '';

const env = () => ({
  ...process.env,
  TSUNAGI_HOME: home,
  TOPIC_PREFIX: config.TOPIC_PREFIX,
  KAFKA_SECRETS_DIR: config.kafkaSecretsDir,
  TSUNAGI_TRAIL_LOG_METRICS_PORT: String(metricsPort),
  TSUNAGI_TRAIL_CHECKPOINT_SECONDS: '1',
  LOG_LEVEL: 'info',
});
const tsx = (script: string, ...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: env() }).then(
    ({ stdout }) => ({ status: 0, stdout, stderr: '' }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      status: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
const file = (name: string) => join(home, name);
const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
async function metric(name: string): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
  return Number(text.match(new RegExp(`^${name} (\\d+)$`, 'm'))?.[1] ?? -1);
}
async function until(done: () => Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await done()); waited += 200) {
    if (waited > 60_000) throw new Error(`timed out waiting for ${what}; service log:\n${serviceLog}`);
    await sleep(200);
  }
}
async function record(from: number, to: number): Promise<void> {
  const store = testStore(config, { topicNames: { 'access-trail': trailTopic } });
  const recorder = createDisclosureRecorder({ store, logger });
  await Promise.all(Array.from({ length: to - from }, (_, i) => recorder.record(testDisclosure(from + i))));
  await recorder.close();
  await store.close();
}
const checkpointsPublished = async () =>
  (await readTopic(kafka, checkpointTopic)).map((m) => m.value?.toString('utf8') ?? '');

beforeAll(async () => {
  // Every topic of the prefix, with the ACL table: the service runs under its own principal.
  const admin = kafka.admin();
  await admin.connect();
  await provisionKafka(admin, config, logger);
  await admin.disconnect();
  metricsPort = await freePort();
  service = spawn(process.execPath, ['--import', 'tsx', 'trail/log/main.ts'], { cwd: ROOT, env: env() });
  service.stdout?.on('data', (chunk) => (serviceLog += chunk));
  service.stderr?.on('data', (chunk) => (serviceLog += chunk));
  await until(async () => serviceLog.includes('"msg":"trail log running"'), 'the service to start');
}, 120_000);

afterAll(async () => {
  if (service?.exitCode === null) {
    service.kill('SIGTERM');
    await new Promise((done) => service.once('exit', done));
  }
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [trailTopic, checkpointTopic] }).catch(() => undefined);
  await admin.disconnect();
  rmSync(home, { recursive: true, force: true });
});

describe('the trail log service and the auditor tools', () => {
  it('integrates the recorded trail, publishes a signed checkpoint, and an auditor verifies an entry', async () => {
    await record(0, 25);
    await until(async () => (await metric('trail_log_integrated_size')) === 25, 'integration of 25');
    expect(await metric('trail_log_sequenced_size')).toBe(25);
    await until(
      async () => (await checkpointsPublished()).some((n) => n.split('\n')[1] === '25'),
      'a checkpoint',
    );

    expect((await tsx('trail/log/cli.ts', 'latest', '--out', file('checkpoint.25'))).status).toBe(0);
    expect(readFileSync(file('checkpoint.25'), 'utf8')).toMatch(
      /^demo\.tsunagi\.localhost\/access-trail\n25\n/,
    );
    expect(
      (await tsx('trail/log/cli.ts', 'inclusion', '7', '--size', '25', '--out', file('proof.7.json'))).status,
    ).toBe(0);
    expect((await tsx('trail/log/cli.ts', 'entry', '7', '--out', file('entry.7'))).status).toBe(0);
    const vkey = demoKeyFiles(home).verifier;
    const verify = (entry: string) =>
      tsx(
        'trail/verify.ts',
        'inclusion',
        '--key',
        vkey,
        '--checkpoint',
        file('checkpoint.25'),
        '--proof',
        file('proof.7.json'),
        '--entry',
        entry,
      );
    expect(await verify(file('entry.7'))).toMatchObject({
      status: 0,
      stdout: expect.stringMatching(
        /^verified: entry 7 is in the log demo.tsunagi.localhost\/access-trail at size 25 /,
      ),
    });
    const tampered = readFileSync(file('entry.7')).map((b, i) => (i === 20 ? b ^ 1 : b));
    writeFileSync(file('entry.7.tampered'), tampered);
    expect(await verify(file('entry.7.tampered'))).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('(ENTRY_MISMATCH)'),
    });
  });

  it('shows the log only grew between two published checkpoints', async () => {
    await record(25, 40);
    await until(
      async () => (await checkpointsPublished()).some((n) => n.split('\n')[1] === '40'),
      'a checkpoint of 40',
    );
    expect((await tsx('trail/log/cli.ts', 'latest', '--out', file('checkpoint.40'))).status).toBe(0);
    expect(
      (await tsx('trail/log/cli.ts', 'consistency', '25', '40', '--out', file('consistency.json'))).status,
    ).toBe(0);
    const status = JSON.parse((await tsx('trail/log/cli.ts', 'status')).stdout);
    expect(status).toMatchObject({ sequencedSize: 40, integratedSize: 40, pending: 0 });
    expect(
      await tsx(
        'trail/verify.ts',
        'consistency',
        '--key',
        demoKeyFiles(home).verifier,
        '--old',
        file('checkpoint.25'),
        '--new',
        file('checkpoint.40'),
        '--proof',
        file('consistency.json'),
      ),
    ).toMatchObject({ status: 0, stdout: expect.stringContaining('at size 40 (root') });
    // Every published checkpoint is consistent with the one before: the log never forked.
    const notes = await checkpointsPublished();
    const key = await parseVerifierKey(readFileSync(demoKeyFiles(home).verifier, 'utf8').trim());
    if (!key.ok) throw new Error(key.detail);
    const store = openTrailLogStore(join(home, 'data', 'trail-log'), { readOnly: true });
    try {
      const prover = createTrailLogProver(store);
      for (const [i, newer] of notes.entries()) {
        const older = notes[i - 1];
        if (older === undefined) continue;
        const proof = prover.consistency(Number(older.split('\n')[1]), Number(newer.split('\n')[1]));
        expect(await verifyLogConsistency({ older, newer, proof, key: key.key })).toMatchObject({ ok: true });
      }
    } finally {
      await store.close();
    }
    expect(serviceLog).not.toMatch(/lnk_merkle/);
  });
});

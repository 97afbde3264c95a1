import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import { generateDevKeys } from '../identity/dev-keys.js';
import { scanForMyNumbers } from '../identity/privacy-scan.js';
import type { InfraConfig } from '../platform/config.js';
import { createEventStore } from '../platform/event-store.js';
import { createEventWire } from '../platform/event-wire.js';
import { createKafka } from '../platform/kafka.js';
import type { DeadLetterRecorded, TsunagiEvent } from '../schemas/events.js';
import { Topics, topicName } from '../schemas/topics.js';
import { quietLogger, testKafka, testLogger } from '../tests/support/infra.js';
import { readTopic, readTopics } from '../tests/support/read-topic.js';
import { isolatedTopics } from '../tests/support/topics.js';
import { recoverOriginalBytes } from './dead-letter.js';
import { EXPORT_COLUMNS } from './exports/systems.js';
import { openProducerHub, type ProducerHub } from './hub-wiring.js';
import { ingestExport } from './ingest.js';
import { generateExports, type Manifest } from './synthetic/generate.js';

const logger = testLogger();
const myNumbersIn = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/\b\d{12}\b/g)].map((m) => m[0]);

describe('ingesting a core-system export into Kafka', () => {
  let config: InfraConfig;
  let hub: ProducerHub;
  let dir: string;
  let manifest: Manifest;
  const wire = () => createEventWire(config);
  const deps = () => ({
    publisher: hub.publisher,
    resolveLinkageId: (n: string) => hub.identity.vault.enrol(n),
    clock: systemClock,
    // The exports hold invalid rows on purpose: each rejection would log a warning (quietLogger).
    logger: quietLogger(),
    producer: 'producer-juki-test',
    vaultKeys: hub.vaultKeys,
  });
  const decodeAll = async (topic: string): Promise<TsunagiEvent[]> => {
    const messages = await readTopic(testKafka(config), topicName(config.TOPIC_PREFIX, topic));
    return Promise.all(messages.map((m) => wire().decode(m.value as Buffer)));
  };

  beforeAll(async () => {
    config = await isolatedTopics('ingest');
    dir = mkdtempSync(join(tmpdir(), 'tsunagi-ingest-'));
    manifest = await generateExports({
      seed: 7,
      residents: 40,
      outDir: join(dir, 'exports'),
      format: 'csv',
      invalidRate: 0.05,
    });
    hub = await openProducerHub({ ...config, home: join(dir, 'home') }, logger, { ...generateDevKeys() });
  });
  afterAll(async () => hub.close());

  it('publishes every valid row, sends every invalid row to the dead-letter topic, and loses nothing', async () => {
    const file = join(dir, 'exports', 'juki.csv');
    const expected = manifest.files.juki;
    const summary = await ingestExport(file, 'juki', deps(), { batchSize: 50 });

    expect(summary.read).toBe(expected.rows);
    expect(summary.rejected).toBe(expected.invalid.length);
    expect(summary.published).toBe(expected.rows - expected.invalid.length);

    const records = await decodeAll(Topics.residentRecords);
    expect(records).toHaveLength(summary.published);
    const deadLetters = (await decodeAll(Topics.deadLetters)) as DeadLetterRecorded[];
    expect(deadLetters.map((d) => d.data.source).sort()).toEqual(
      expected.invalid.map((i) => `juki.csv:${i.line}`).sort(),
    );
    const lines = readFileSync(file, 'utf8').split('\n');
    for (const letter of deadLetters) {
      const invalid = expected.invalid.find((i) => letter.data.line === i.line);
      expect(letter.data).toMatchObject({ file: 'juki.csv', field: invalid?.field });
      expect(letter.data.reason).toMatch(new RegExp(`^${invalid?.field}: `));
      // Nothing lost: the row comes back from its sealed copy, My Numbers masked.
      const row = lines[(invalid?.line ?? 0) - 1] ?? '';
      expect(recoverOriginalBytes(letter, hub.vaultKeys).toString('utf8')).toBe(
        row.replace(/\d{12}/g, '*'.repeat(12)),
      );
    }
  });

  it('refuses the local-tax file given as juki before publishing anything, naming the columns', async () => {
    const counts = async () => {
      const admin = testKafka(config).admin();
      await admin.connect();
      try {
        const topics = [Topics.residentRecords, Topics.informationItems, Topics.deadLetters];
        const offsets = await Promise.all(
          topics.map((t) => admin.fetchTopicOffsets(topicName(config.TOPIC_PREFIX, t))),
        );
        return offsets.map((o) => o.reduce((n, p) => n + Number(p.high), 0));
      } finally {
        await admin.disconnect();
      }
    };
    const before = await counts();
    const file = join(dir, 'exports', 'local-tax.csv');
    const refused = ingestExport(file, 'juki', deps(), { batchSize: 1 });
    await expect(refused).rejects.toMatchObject({
      code: 'EXPORT_COLUMNS_MISMATCH',
      message: expect.stringContaining(
        `local-tax.csv is not a juki export (docs/exports.md): expected the columns ${EXPORT_COLUMNS.juki.join(', ')}; found ${EXPORT_COLUMNS['local-tax'].join(', ')};`,
      ),
    });

    const jsonl = await generateExports({
      seed: 7,
      residents: 5,
      outDir: join(dir, 'jsonl'),
      format: 'jsonl',
    });
    expect(jsonl.files['local-tax'].rows).toBeGreaterThan(0);
    const cli = spawnSync(
      'npx',
      [
        'tsx',
        'producers/cli.ts',
        '--system',
        'juki',
        join(dir, 'exports', 'juki.csv'),
        join(dir, 'jsonl', jsonl.files['local-tax'].file),
      ],
      {
        // Its own home and keys: a CLI that got past the check must not touch the shared stack's home.
        env: {
          ...process.env,
          ...generateDevKeys(),
          TSUNAGI_HOME: join(dir, 'cli-home'),
          TOPIC_PREFIX: config.TOPIC_PREFIX,
        },
        encoding: 'utf8',
      },
    );
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(
      'ingest refused: EXPORT_COLUMNS_MISMATCH: local-tax.jsonl is not a juki export',
    );
    expect(cli.stderr).toContain('Nothing was published.');
    // juki.csv, listed first and valid, was not ingested either: every file is checked first.
    expect(await counts()).toEqual(before);
  });

  it('keeps My Numbers off every topic, dead letters included', async () => {
    const myNumbers = myNumbersIn(join(dir, 'exports', 'juki.csv'));
    expect(myNumbers.length).toBeGreaterThan(40);
    const names = Object.values(Topics).map((topic) => topicName(config.TOPIC_PREFIX, topic));
    const everyTopic = await readTopics(testKafka(config), names);
    for (const [topic, messages] of everyTopic) {
      const targets = messages.flatMap((m) => [m.value ?? Buffer.alloc(0), m.key ?? Buffer.alloc(0)]);
      expect(scanForMyNumbers(myNumbers, targets), topic).toEqual([]);
    }
    // A scan that read nothing would find nothing: the records and the dead letters were read.
    const read = (topic: string) => everyTopic.get(topicName(config.TOPIC_PREFIX, topic))?.length ?? 0;
    expect(read(Topics.deadLetters)).toBeGreaterThan(0);
    expect(read(Topics.residentRecords) + read(Topics.deadLetters)).toBeGreaterThanOrEqual(myNumbers.length);
  });

  it('gives the same event ids when the same file is ingested again, so no view applies a row twice', async () => {
    const file = join(dir, 'exports', 'juki.csv');
    const before = (await decodeAll(Topics.residentRecords)).map((e) => e.envelope.eventId);
    await ingestExport(file, 'juki', deps(), { batchSize: 50 });
    const after = (await decodeAll(Topics.residentRecords)).map((e) => e.envelope.eventId);
    expect(after).toHaveLength(before.length * 2);
    expect(new Set(after)).toEqual(new Set(before));
  });

  it('fails clearly when the broker is unreachable, and a re-run completes the file', async () => {
    const file = join(dir, 'exports', 'local-tax.csv');
    // The broker is not there on purpose: its clients log nothing (tests/support/infra.ts, quietLogger).
    const deadBroker = createKafka({ ...config, kafkaBrokers: ['127.0.0.1:1'] }, quietLogger(), {
      principal: 'ingest',
      retry: { retries: 0 },
      connectionTimeout: 300,
    });
    const publisher = createEventStore({
      kafka: deadBroker,
      wire: wire(),
      topicPrefix: config.TOPIC_PREFIX,
      logger: quietLogger(),
    });
    let acknowledgedLine = 0;
    const failed = ingestExport(
      file,
      'local-tax',
      { ...deps(), publisher },
      {
        batchSize: 50,
        onBatchAcknowledged: (line) => {
          acknowledgedLine = line;
        },
      },
    );
    await expect(failed).rejects.toThrow(TsunagiError);
    await expect(failed).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE', retriable: true });
    expect(acknowledgedLine).toBe(0);
    await publisher.close();

    const summary = await ingestExport(file, 'local-tax', deps(), {
      batchSize: 50,
      resumeAfterLine: acknowledgedLine,
    });
    expect(summary.read).toBe(manifest.files['local-tax'].rows);
    const items = await decodeAll(Topics.informationItems);
    expect(items).toHaveLength(summary.published);
  });
});

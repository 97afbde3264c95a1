import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { generateDevKeys } from '../../identity/dev-keys.js';
import { scanForMyNumbers, scanForText } from '../../identity/privacy-scan.js';
import type { InfraConfig } from '../../platform/config.js';
import { createEventWire } from '../../platform/event-wire.js';
import { createLogger } from '../../platform/logger.js';
import { recoverOriginalBytes } from '../../producers/dead-letter.js';
import { findDeadLetters } from '../../producers/dead-letter-cli.js';
import { parseCsvLine } from '../../producers/exports/csv-line.js';
import { EXPORT_SYSTEMS } from '../../producers/exports/systems.js';
import { openProducerHub, type ProducerHub } from '../../producers/hub-wiring.js';
import { ingestExport } from '../../producers/ingest.js';
import { generateExports, type Manifest } from '../../producers/synthetic/generate.js';
import type { DeadLetterRecorded } from '../../schemas/events.js';
import { Topics, topicName } from '../../schemas/topics.js';
import { testKafka, testStore } from '../support/infra.js';
import { readTopic, readTopics } from '../support/read-topic.js';
import { isolatedTopics } from '../support/topics.js';

/**
 * Principle 2, checked structurally: a realistic flow (all five core systems' exports, some
 * rows invalid, ingested through the producers and the identity vault) leaves no My Number
 * from its input on any topic, in any store file, or in any log line — at debug level.
 */
describe('privacy scan: no My Number on any topic, store or log line', () => {
  const logLines: string[] = [];
  const logger = createLogger(
    { name: 'privacy', level: 'debug' },
    { write: (line: string) => logLines.push(line) },
  );
  let config: InfraConfig;
  let home: string;
  let hub: ProducerHub;
  let myNumbers: string[];
  let exports: string;
  let manifest: Manifest;
  const keys = generateDevKeys();

  beforeAll(async () => {
    config = await isolatedTopics('privacy');
    const dir = mkdtempSync(join(tmpdir(), 'tsunagi-privacy-'));
    home = join(dir, 'home');
    exports = join(dir, 'exports');
    manifest = await generateExports({
      seed: 99,
      residents: 60,
      outDir: exports,
      format: 'csv',
      invalidRate: 0.05,
    });
    myNumbers = [
      ...new Set(
        EXPORT_SYSTEMS.flatMap((s) =>
          [...readFileSync(join(exports, manifest.files[s].file), 'utf8').matchAll(/\d{12}/g)].map(
            (m) => m[0],
          ),
        ),
      ),
    ];
    hub = await openProducerHub({ ...config, home }, logger, { ...keys });
    for (const system of EXPORT_SYSTEMS) {
      await ingestExport(join(exports, manifest.files[system].file), system, {
        publisher: hub.publisher,
        resolveLinkageId: (n) => hub.identity.vault.enrol(n),
        clock: systemClock,
        logger,
        producer: `privacy-${system}`,
        vaultKeys: hub.vaultKeys,
      });
    }
  });
  afterAll(async () => hub.close());

  it('had My Numbers in its input to look for', () => {
    expect(myNumbers.length).toBeGreaterThan(50);
  });

  it('finds none on any topic, in keys, values or headers', async () => {
    let messages = 0;
    const names = Object.values(Topics).map((topic) => topicName(config.TOPIC_PREFIX, topic));
    for (const [topic, records] of await readTopics(testKafka(config), names)) {
      for (const m of records) {
        messages++;
        const headers = Object.values(m.headers ?? {}).flatMap((h) =>
          h === undefined ? [] : [h].flat().map(String),
        );
        expect(
          scanForMyNumbers(myNumbers, [m.value ?? Buffer.alloc(0), m.key ?? Buffer.alloc(0), ...headers]),
          topic,
        ).toEqual([]);
      }
    }
    expect(messages).toBeGreaterThan(myNumbers.length);
  });

  it('finds none in any store file', () => {
    expect(scanForMyNumbers(myNumbers, [{ path: home }])).toEqual([]);
  });

  it('finds none in the log output', () => {
    expect(logLines.length).toBeGreaterThan(10);
    expect(scanForMyNumbers(myNumbers, logLines)).toEqual([]);
  });

  /** The cells of every row the ingest rejected, as the export file holds them. */
  const rejectedRows = () =>
    EXPORT_SYSTEMS.flatMap((system) => {
      const { file, invalid } = manifest.files[system];
      const lines = readFileSync(join(exports, file), 'utf8').split('\n');
      const header = (lines[0] ?? '').split(',');
      return invalid.map(({ line }) => {
        const raw = lines[line - 1] ?? '';
        const cells = parseCsvLine(raw);
        const values = cells.ok ? cells.fields : [];
        const cell = (column: string) => values[header.indexOf(column)] ?? '';
        return { system, file, line, raw, cell };
      });
    });

  it('keeps the rejected rows’ names, kana, birth dates, addresses and My Numbers, and the hub’s paths, off the dead-letter topic', async () => {
    const rows = rejectedRows();
    const juki = rows.filter((r) => r.system === 'juki');
    expect(juki.length).toBeGreaterThan(2);
    const personal = juki.flatMap((r) => [
      `${r.cell('family_name')},${r.cell('given_name')}`,
      `${r.cell('family_name_kana')},${r.cell('given_name_kana')}`,
      r.cell('date_of_birth'),
      r.cell('street'),
      `${r.cell('prefecture')},${r.cell('city')}`,
    ]);
    const paths = [exports, home, tmpdir(), process.cwd()];
    const letters = await readTopic(testKafka(config), topicName(config.TOPIC_PREFIX, Topics.deadLetters));
    expect(letters).toHaveLength(rows.length);
    const targets = letters.flatMap((m) => [m.value ?? Buffer.alloc(0), m.key ?? Buffer.alloc(0)]);
    // Two characters at least: a single kanji would be found in random ciphertext by chance.
    expect(scanForText([...personal.filter((v) => v.length >= 2), ...paths], targets)).toEqual([]);
    expect(scanForMyNumbers(myNumbers, targets)).toEqual([]);
    const wire = createEventWire(config);
    for (const m of letters) {
      const letter = (await wire.decode(m.value as Buffer)) as DeadLetterRecorded;
      expect(letter.data.source).toMatch(/^[a-z-]+\.csv:\d+$/);
      expect(letter.data.originalBytes).toHaveLength(0);
    }
  });

  it('gives every rejected row back, My Numbers masked, through the recovery command and the vault key', async () => {
    const rows = rejectedRows();
    const masked = (raw: string) => raw.replace(/\d{12}/g, '*'.repeat(12));
    const store = testStore(config);
    const letters = await findDeadLetters(store).finally(() => store.close());
    for (const row of rows) {
      const letter = letters.find((l) => l.data.source === `${row.file}:${row.line}`);
      expect(letter && recoverOriginalBytes(letter, hub.vaultKeys).toString('utf8')).toBe(masked(row.raw));
    }
    // The documented command, as an operator runs it: TSUNAGI_VAULT_KEYS and the topic prefix.
    const [first] = rows;
    const out = join(home, 'recovered.csv');
    const run = spawnSync(
      'npx',
      [
        'tsx',
        'producers/dead-letter-cli.ts',
        'recover',
        '--source',
        `${first?.file}:${first?.line}`,
        '--out',
        out,
      ],
      {
        env: {
          ...process.env,
          ...keys,
          TSUNAGI_HOME: home,
          TOPIC_PREFIX: config.TOPIC_PREFIX,
          KAFKA_SECRETS_DIR: config.kafkaSecretsDir,
        },
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(masked(first?.raw ?? ''));
  });
});

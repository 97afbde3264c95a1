import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { generateDevKeys } from '../../identity/dev-keys.js';
import { scanForMyNumbers } from '../../identity/privacy-scan.js';
import { Topics, topicName } from '../../infra/topics.js';
import type { InfraConfig } from '../../platform/config.js';
import { createLogger } from '../../platform/logger.js';
import { EXPORT_SYSTEMS } from '../../producers/exports/systems.js';
import { openProducerHub, type ProducerHub } from '../../producers/hub-wiring.js';
import { ingestExport } from '../../producers/ingest.js';
import { generateExports } from '../../producers/synthetic/generate.js';
import { testKafka } from '../support/infra.js';
import { readTopic } from '../support/read-topic.js';
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

  beforeAll(async () => {
    config = await isolatedTopics('privacy');
    const dir = mkdtempSync(join(tmpdir(), 'tsunagi-privacy-'));
    home = join(dir, 'home');
    const exports = join(dir, 'exports');
    const manifest = await generateExports({
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
    hub = await openProducerHub({ ...config, home }, logger, { ...generateDevKeys() });
    for (const system of EXPORT_SYSTEMS) {
      await ingestExport(join(exports, manifest.files[system].file), system, {
        publisher: hub.publisher,
        resolveLinkageId: (n) => hub.identity.vault.enrol(n),
        clock: systemClock,
        logger,
        producer: `privacy-${system}`,
      });
    }
  });
  afterAll(async () => hub.close());

  it('had My Numbers in its input to look for', () => {
    expect(myNumbers.length).toBeGreaterThan(50);
  });

  it('finds none on any topic, in keys, values or headers', async () => {
    const kafka = testKafka(config);
    let messages = 0;
    for (const topic of Object.values(Topics)) {
      for (const m of await readTopic(kafka, topicName(config.TOPIC_PREFIX, topic))) {
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
});

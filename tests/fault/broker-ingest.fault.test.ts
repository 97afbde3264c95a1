import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../platform/kafka.js';
import { Topics, topicName } from '../../schemas/topics.js';
import { type FaultSystem, startFaultSystem } from './support/fault-system.js';
import { recordCase } from './support/figures.js';
import {
  expectExactlyOnce,
  ingestOutcome,
  type LocalTaxExport,
  localTaxExport,
  spawnIngest,
} from './support/ingest.js';
import { endOffsetSum } from './support/topic-counts.js';

/**
 * A broker SIGKILLed and restarted in the middle of an ingest of ≥ 100 000 rows (one local-tax
 * export through `npm run ingest`, the projector running as a service): every row is published
 * exactly once (each valid row one event, each invalid row one dead letter, none lost, none
 * repeated on the topic) and the views hold exactly the input (every resident's item history and
 * latest items as the file says; the projector applied each event once).
 */
const RESIDENTS = Number(process.env.FAULT_INGEST_RESIDENTS ?? 23_500);
let system: FaultSystem;
let input: LocalTaxExport;

beforeAll(async () => {
  system = await startFaultSystem('ingest');
  input = await localTaxExport(system, 16, RESIDENTS);
  await system.start('projector');
});

afterAll(async () => {
  await system?.stop();
});

describe('a broker SIGKILLed and restarted in the middle of an ingest', () => {
  it('publishes every row exactly once and the views hold exactly the input', async () => {
    const began = Date.now();
    const { config, cluster } = system;
    const { file, rows, invalid, expected } = input;
    expect(rows).toBeGreaterThanOrEqual(100_000);
    expect(expected.valid).toBe(rows - invalid.size);

    const kafka = createKafka(config, system.logger, { principal: 'admin', clientId: 'fault-ingest' });
    const itemsTopic = topicName(config.TOPIC_PREFIX, Topics.informationItems);
    const run = spawnIngest(system, file);

    // Wait until a third of the rows are on the topic, then kill the leader of partition 0.
    while ((await endOffsetSum(kafka, itemsTopic)) < rows / 3) {
      if (run.child.exitCode !== null) break;
      await sleep(250);
    }
    const killedAt = await endOffsetSum(kafka, itemsTopic);
    const { leader } = await cluster.partition(itemsTopic, 0);
    await cluster.kill(leader);
    await sleep(15_000);
    const atRestart = await endOffsetSum(kafka, itemsTopic);
    const restartMs = await cluster.start(leader);

    const { code, output } = await run.done;
    expect(output).not.toMatch(/ingest stopped/);
    expect(code).toBe(0);
    const summary = /read (\d+), published (\d+), rejected (\d+)/.exec(output);
    expect(summary?.slice(1).map(Number)).toEqual([rows, expected.valid, invalid.size]);

    // Topics, projector and views: each valid row one event, each invalid row one dead letter, each
    // resident one enrolment; each event applied once; the views hold exactly the input.
    const outcome = await ingestOutcome(system, kafka, input);
    expectExactlyOnce(outcome, input);

    const seconds = (Date.now() - began) / 1000;
    recordCase({
      id: 'broker-kill-ingest',
      test: 'tests/fault/broker-ingest.fault.test.ts',
      faults: [
        `SIGKILL of Kafka node ${leader} (a partition leader) at ${killedAt} of ${rows} rows, restarted 15 s later`,
      ],
      cases: rows,
      broken: outcome.broken,
      figures: {
        rowsAtKill: killedAt,
        rowsAtRestart: atRestart,
        restartSeconds: Number((restartMs / 1000).toFixed(1)),
        residents: expected.rows.size,
        historyEntries: outcome.historyEntries,
        ingestRowsPerSecond: Number(/(\d+) rows\/s\s*$/m.exec(output)?.[1] ?? 0),
      },
      seconds,
    });
  });
});

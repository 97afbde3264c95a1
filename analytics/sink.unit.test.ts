import { describe, expect, it } from 'vitest';
import { TsunagiError } from '../core/errors.js';
import { createLogger } from '../platform/logger.js';
import type { TsunagiEvent } from '../schemas/events.js';
import type { BatchContext, EventSource, SourceBatch } from './event-source.js';
import type { FactWriter } from './fact-writer.js';
import type { Fact, FactTable } from './facts.js';
import { createSinkMetrics } from './metrics.js';
import { createAnalyticsSink } from './sink.js';
import { disclosure } from './testing/events.js';

/** A writer over in-memory tables that can fail the next N calls, or fail right after inserting. */
function memoryWriter() {
  const tables = new Map<FactTable, Array<Fact['row']>>();
  const state = { failNext: 0, failAfterInsert: 0 };
  const writer: FactWriter = {
    grants: async () => new Map(),
    async insertNew(table, rows) {
      if (state.failNext-- > 0) throw new TsunagiError('ANALYTICS_UNAVAILABLE', 'down');
      const have = new Set((tables.get(table) ?? []).map((r) => r.event_id));
      const fresh = rows.filter((r) => !have.has(r.event_id));
      tables.set(table, [...(tables.get(table) ?? []), ...fresh]);
      if (state.failAfterInsert-- > 0)
        throw new TsunagiError('ANALYTICS_UNAVAILABLE', 'acknowledgement lost');
      return { inserted: fresh.length, duplicates: rows.length - fresh.length };
    },
  };
  return { writer, tables, state };
}

/** A source that delivers the given batches once `follow` is called, recording commits. */
function fakeSource(batches: SourceBatch[]) {
  const committed: string[] = [];
  const source: EventSource = {
    async follow(handle) {
      const context: BatchContext = { heartbeat: async () => undefined, isCurrent: () => true };
      for (const batch of batches) {
        await handle(batch, context);
        committed.push(`${batch.partition}@${batch.records.at(-1)?.offset}`);
      }
    },
    stop: async () => undefined,
  };
  return { source, committed };
}

const batchOf = (events: TsunagiEvent[], from = 0): SourceBatch => ({
  topic: 'trail',
  partition: 0,
  records: events.map((event, i) => ({ offset: String(from + i), event })),
  highWatermark: String(from + events.length + 5),
});
const trail = (n: number) =>
  Array.from({ length: n }, (_, i) => disclosure('u', i, { outcome: 'DISCLOSED' }));
const logger = createLogger({ level: 'silent' });

describe('analytics sink', () => {
  it('given a lost acknowledgement after an insert, when the batch is retried, then no fact is stored twice', async () => {
    const { writer, tables, state } = memoryWriter();
    state.failAfterInsert = 1;
    const { source, committed } = fakeSource([batchOf(trail(5))]);
    const metrics = createSinkMetrics();
    await createAnalyticsSink({ source, writer, metrics, logger, wait: async () => undefined }).start();
    expect(tables.get('trail_facts')).toHaveLength(5);
    expect(committed).toEqual(['0@4']);
    expect((await metrics.duplicates.get()).values[0]?.value).toBe(5);
  });

  it('given a redelivered batch (crash before the commit), then its events are skipped as duplicates', async () => {
    const { writer, tables } = memoryWriter();
    const events = trail(3);
    const { source } = fakeSource([batchOf(events), batchOf(events), batchOf([...events, ...trail(4)], 3)]);
    await createAnalyticsSink({
      source,
      writer,
      metrics: createSinkMetrics(),
      logger,
      wait: async () => undefined,
    }).start();
    expect(tables.get('trail_facts')?.map((r) => r.event_id)).toEqual([
      'u-trail-0',
      'u-trail-1',
      'u-trail-2',
      'u-trail-3',
    ]);
  });

  it('while ClickHouse is down, retries with doubling pauses up to the cap, and commits only after the insert', async () => {
    const { writer, tables, state } = memoryWriter();
    state.failNext = 6;
    const pauses: number[] = [];
    const { source, committed } = fakeSource([batchOf(trail(2))]);
    const metrics = createSinkMetrics();
    const sink = createAnalyticsSink({
      source,
      writer,
      metrics,
      logger,
      retryInitialMs: 100,
      retryMaxMs: 1000,
      wait: async (ms) => {
        pauses.push(ms);
        expect(committed).toEqual([]);
      },
    });
    await sink.start();
    expect(pauses).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(tables.get('trail_facts')).toHaveLength(2);
    expect(committed).toEqual(['0@1']);
    expect((await metrics.retries.get()).values[0]?.value).toBe(6);
    expect((await metrics.clickhouseUp.get()).values[0]?.value).toBe(1);
    expect((await metrics.lag.get()).values[0]).toMatchObject({
      value: 5,
      labels: { topic: 'trail', partition: '0' },
    });
  });

  it('gives the batch back (uncommitted) when it is stopped while waiting for ClickHouse', async () => {
    const { writer, state } = memoryWriter();
    state.failNext = 100;
    const { source, committed } = fakeSource([batchOf(trail(1))]);
    const sink = createAnalyticsSink({
      source,
      writer,
      metrics: createSinkMetrics(),
      logger,
      wait: async () => void (await sink.stop()),
    });
    await expect(sink.start()).rejects.toMatchObject({ code: 'ANALYTICS_UNAVAILABLE' });
    expect(committed).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseService } from '../infra/clickhouse.js';
import { stopProcess } from '../infra/process.js';
import { ensureUp } from '../infra/service.js';
import type { InfraConfig } from '../platform/config.js';
import { createEventWire } from '../platform/event-wire.js';
import type { DisclosureRecorded } from '../schemas/events.js';
import { Topics, topicName } from '../schemas/topics.js';
import { eventually } from '../tests/support/eventually.js';
import { testConfig, testKafka, testLogger } from '../tests/support/infra.js';
import { readTopic } from '../tests/support/read-topic.js';
import { adminQuery, dropAnalytics, isolatedAnalytics, publish, testSink } from './testing/clickhouse.js';
import { disclosure, grant, ingestRun, recordChange, revoke } from './testing/events.js';

/**
 * The sink on real Kafka and ClickHouse: every trail record becomes one fact (counts per outcome
 * equal the trail's, in the raw facts and in the rollup), redelivered and republished events are not
 * counted twice, and a ClickHouse outage mid-stream pauses the sink, which then catches up.
 */
let config: InfraConfig;
const run = `s${Date.now().toString(36)}`;
const outcomes = ['DISCLOSED', 'REFUSED', 'NOT_FOUND'] as const;
const trail = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) =>
    disclosure(run, from + i, { outcome: outcomes[(from + i) % 3] as (typeof outcomes)[number] }),
  );

async function trailCounts(): Promise<Record<string, number>> {
  const wire = createEventWire(config);
  const counts: Record<string, number> = {};
  for (const m of await readTopic(testKafka(config), topicName(config.TOPIC_PREFIX, Topics.accessTrail))) {
    const event = (await wire.decode(m.value as Buffer)) as DisclosureRecorded;
    counts[event.data.outcome] = (counts[event.data.outcome] ?? 0) + 1;
  }
  return counts;
}
const factCounts = async (from: 'trail_facts FINAL' | 'trail_daily') => {
  const db = config.CLICKHOUSE_DATABASE;
  const count = from === 'trail_daily' ? 'countMerge(accesses)' : 'count()';
  const rows = await adminQuery<{ outcome: string; n: string }>(
    config,
    `SELECT outcome, ${count} AS n FROM ${db}.${from} GROUP BY outcome`,
  );
  return Object.fromEntries(rows.map((r) => [r.outcome, Number(r.n)]));
};
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

beforeAll(async () => {
  config = await isolatedAnalytics('sink');
});
afterAll(async () => dropAnalytics(config));

describe('analytics sink', () => {
  it('stores every trail record once: counts per outcome equal the trail, in facts and rollup', async () => {
    await publish(config, [
      ...trail(0, 300),
      ...Array.from({ length: 20 }, (_, i) => recordChange(run, i, i % 2 ? '131016' : '271004')),
      grant(run, 1),
      grant(run, 2),
      revoke(run, 1),
      ingestRun(run, 1),
    ]);
    const { sink, metrics } = testSink(config);
    await sink.start();
    try {
      const expected = await trailCounts();
      expect(total(expected)).toBe(300);
      expect(
        await eventually(
          () => factCounts('trail_facts FINAL'),
          (c) => total(c) === 300,
        ),
      ).toEqual(expected);
      expect(await factCounts('trail_daily')).toEqual(expected);
      const db = config.CLICKHOUSE_DATABASE;
      const consents = await eventually(
        () =>
          adminQuery<{ state: string; recipient: string }>(
            config,
            `SELECT state, recipient FROM ${db}.consent_facts FINAL ORDER BY state`,
          ),
        (rows) => rows.length === 3,
      );
      // The revocation names only the consent; its recipient comes from the grant.
      expect(consents.map((r) => `${r.state}:${r.recipient}`)).toEqual([
        'GRANTED:mykey-portal',
        'GRANTED:mykey-portal',
        'REVOKED:mykey-portal',
      ]);
      // Record changes come from their own topic: they may land after the trail's facts.
      expect(
        await eventually(
          () => adminQuery<{ n: string }>(config, `SELECT count() AS n FROM ${db}.record_change_facts FINAL`),
          (r) => r[0]?.n === '20',
        ),
      ).toEqual([{ n: '20' }]);
      expect(
        await eventually(
          () => adminQuery(config, `SELECT system, rows_read FROM ${db}.ingest_facts`),
          (r) => r.length === 1,
        ),
      ).toEqual([{ system: 'juki', rows_read: '1204' }]);
      expect(
        (await metrics.registry.getSingleMetricAsString('tsunagi_analytics_sink_lag')).length,
      ).toBeGreaterThan(0);
    } finally {
      await sink.stop();
    }
  });

  it('republished events (same ids, new offsets) and a restarted sink do not count twice', async () => {
    await publish(config, trail(0, 50));
    const { sink, metrics } = testSink(config);
    await sink.start();
    try {
      await eventually(
        async () => (await metrics.duplicates.get()).values.reduce((a, v) => a + v.value, 0),
        (n) => n >= 50,
      );
      expect(total(await factCounts('trail_daily'))).toBe(300);
      expect(total(await factCounts('trail_facts FINAL'))).toBe(300);
    } finally {
      await sink.stop();
    }
  });

  it('pauses while ClickHouse is down, retries with backoff, and catches up with no loss and no duplicates', async () => {
    const { sink, metrics } = testSink(config);
    await sink.start();
    // The stack's own config: its users.xml names the stack's databases, not this test's.
    const clickhouse = clickhouseService(testConfig());
    try {
      await publish(config, trail(1000, 100));
      await eventually(
        () => factCounts('trail_facts FINAL'),
        (c) => total(c) === 400,
      );
      await stopProcess(clickhouse.process);
      await publish(config, trail(2000, 150));
      await eventually(
        async () => (await metrics.retries.get()).values[0]?.value ?? 0,
        (n) => n >= 2,
        30_000,
      );
      expect((await metrics.clickhouseUp.get()).values[0]?.value).toBe(0);
      await ensureUp(clickhouse, testLogger());
      const expected = await trailCounts();
      expect(total(expected)).toBe(600); // 300 + 50 republished + 100 + 150 on the topic
      const stored = await eventually(
        () => factCounts('trail_daily'),
        (c) => total(c) === 550,
      );
      expect(stored).toEqual(await factCounts('trail_facts FINAL'));
      expect(total(stored)).toBe(550); // distinct event ids
      expect((await metrics.clickhouseUp.get()).values[0]?.value).toBe(1);
    } finally {
      await ensureUp(clickhouse, testLogger());
      await sink.stop();
    }
  });
});

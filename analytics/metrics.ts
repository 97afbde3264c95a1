import { Counter, Gauge, Registry } from 'prom-client';

/** Sink metrics in their own registry. Labels carry tables, topics and partitions only. */
export interface SinkMetrics {
  readonly registry: Registry;
  readonly inserted: Counter<'table'>;
  readonly duplicates: Counter<'table'>;
  readonly undecodable: Counter<'topic'>;
  readonly retries: Counter;
  /** 1 while inserts succeed, 0 while the sink waits for ClickHouse. */
  readonly clickhouseUp: Gauge;
  /** End offset minus the next offset to insert, per partition. */
  readonly lag: Gauge<'topic' | 'partition'>;
}

export function createSinkMetrics(registry = new Registry()): SinkMetrics {
  const registers = [registry];
  return {
    registry,
    inserted: new Counter({
      name: 'tsunagi_analytics_facts_inserted_total',
      help: 'Fact rows inserted into ClickHouse (acknowledged)',
      labelNames: ['table'],
      registers,
    }),
    duplicates: new Counter({
      name: 'tsunagi_analytics_duplicates_skipped_total',
      help: 'Events not inserted because their id was already in the fact table (redelivery, republish)',
      labelNames: ['table'],
      registers,
    }),
    undecodable: new Counter({
      name: 'tsunagi_analytics_records_undecodable_total',
      help: 'Records that could not be decoded; skipped',
      labelNames: ['topic'],
      registers,
    }),
    retries: new Counter({
      name: 'tsunagi_analytics_insert_retries_total',
      help: 'Batches retried because ClickHouse was unreachable or failed',
      registers,
    }),
    clickhouseUp: new Gauge({
      name: 'tsunagi_analytics_clickhouse_up',
      help: '1 while inserts succeed, 0 while the sink pauses and retries',
      registers,
    }),
    lag: new Gauge({
      name: 'tsunagi_analytics_sink_lag',
      help: 'Records not yet in ClickHouse: end offset minus the next offset the sink will insert',
      labelNames: ['topic', 'partition'],
      registers,
    }),
  };
}

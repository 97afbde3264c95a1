import { Counter, Gauge, Registry } from 'prom-client';

/**
 * Projection metrics in their own registry, so the gateway can merge it into its /metrics
 * (`Registry.merge([gatewayRegistry, projections.registry])`). Labels carry projection, topic and
 * partition only: never a linkage id or any other personal identifier.
 */
export interface ProjectionMetrics {
  readonly registry: Registry;
  readonly applied: Counter<'projection'>;
  readonly duplicates: Counter<'projection'>;
  readonly gaps: Counter<'projection'>;
  readonly rejected: Counter<'projection'>;
  /** High watermark minus the offset stored with the state, per partition. */
  readonly lag: Gauge<'projection' | 'topic' | 'partition'>;
}

export function createProjectionMetrics(registry = new Registry()): ProjectionMetrics {
  const registers = [registry];
  return {
    registry,
    applied: new Counter({
      name: 'tsunagi_projection_events_applied_total',
      help: 'Events applied to a projection (committed with their offsets)',
      labelNames: ['projection'],
      registers,
    }),
    duplicates: new Counter({
      name: 'tsunagi_projection_duplicates_total',
      help: 'Events ignored as duplicates (sequence at or below the last applied, or already indexed)',
      labelNames: ['projection'],
      registers,
    }),
    gaps: new Counter({
      name: 'tsunagi_projection_sequence_gaps_total',
      help: 'Events whose sequence skipped numbers; applied and listed in the gaps table',
      labelNames: ['projection'],
      registers,
    }),
    rejected: new Counter({
      name: 'tsunagi_projection_records_rejected_total',
      help: 'Records that could not be decoded; skipped and listed in the rejects table',
      labelNames: ['projection'],
      registers,
    }),
    lag: new Gauge({
      name: 'tsunagi_projection_consumer_lag',
      help: 'High watermark minus the next offset committed with the projection state',
      labelNames: ['projection', 'topic', 'partition'],
      registers,
    }),
  };
}

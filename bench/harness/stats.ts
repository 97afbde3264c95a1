/** Percentiles and rates for benchmark figures (pure). */

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] ?? 0;

export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

export function latencySummary(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    p50Ms: round(percentile(sorted, 0.5)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
    samples: sorted.length,
  };
}

export const perSecond = (count: number, ms: number): number => Math.round((count * 1000) / Math.max(ms, 1));

/** `value / baseline`, two decimals; undefined when there is no baseline to divide by. */
export const ratio = (value: number, baseline: number | undefined): number | undefined =>
  baseline ? Math.round((value / baseline) * 100) / 100 : undefined;

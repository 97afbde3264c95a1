import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { InfraConfig } from '../../../platform/config.js';
import { faultConfig } from './fault-env.js';

/**
 * The figures of one fault case, as the tier measured them: what was injected, how many cases
 * (records, requests, notifications) went through it, and the counts each promise is judged by.
 * `scripts/reliability-report.ts` renders the file into docs/RELIABILITY.md.
 */
export interface FaultCase {
  /** Stable id, e.g. `broker-kill-ingest`. */
  id: string;
  test: string;
  faults: string[];
  /** Items that went through the fault: rows, inquiries, notifications … */
  cases: number;
  /** Promise-level counts: lost, duplicatesApplied, disclosedWithoutRecord … (0 is the promise). */
  broken: Record<string, number>;
  /** Everything else worth reading (throughput, times, over-statement). */
  figures: Record<string, number | string>;
  seconds: number;
  finishedAt: string;
}

export interface FaultSummary {
  startedAt: string;
  cases: FaultCase[];
}

export const figuresFile = (config: Pick<InfraConfig, 'home'>): string =>
  join(config.home, 'results', 'fault-summary.json');

export function readFigures(file: string): FaultSummary | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as FaultSummary) : undefined;
}

/** Adds (or replaces) a case in this run's summary; files run one after another, never together. */
export function recordCase(entry: Omit<FaultCase, 'finishedAt'>): void {
  const file = figuresFile(faultConfig());
  const summary = readFigures(file) ?? { startedAt: new Date().toISOString(), cases: [] };
  summary.cases = [
    ...summary.cases.filter((c) => c.id !== entry.id),
    { ...entry, finishedAt: new Date().toISOString() },
  ];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    `fault figures ${entry.id}: ${entry.cases} cases; ${Object.entries(entry.broken)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; ${Object.entries(entry.figures)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} (${entry.seconds.toFixed(0)} s)`,
  );
}

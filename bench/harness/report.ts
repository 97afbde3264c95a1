import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { KAFKA_VERSION } from '../../infra/kafka.js';
import { infraPaths } from '../../infra/paths.js';
import { APICURIO_VERSION } from '../../infra/registry.js';
import { loadInfraConfig } from '../../platform/config.js';
import type { ProfileSummary } from './profile-summary.js';

/**
 * The one result format of every benchmark (B1–B5): figures with their baseline from the same run,
 * the machine as it was at the start, versions and settings. Written as JSON under
 * `<TSUNAGI_HOME>/bench/` (git-ignored). Figures only: nothing here passes or fails.
 */
export interface BenchFigure {
  /** What was measured, e.g. `gateway inquiries c=20`. */
  path: string;
  value: number;
  unit: string;
  p50Ms?: number;
  p99Ms?: number;
  /** The `path` of the baseline figure this one is divided by. */
  baseline?: string;
  ratio?: number;
  /** The issue's target for this figure, as text (e.g. `≥ 0.5 × echo, p99 ≤ 25 ms`). */
  target?: string;
  note?: string;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  freeMemoryGiB: number;
  loadAverage: [number, number, number];
}

export interface BenchResult {
  benchmark: string;
  title: string;
  at: string;
  elapsedSeconds: number;
  machine: Machine;
  versions: Record<string, string>;
  settings: Record<string, unknown>;
  figures: BenchFigure[];
  /** Peak resident memory of each process that took part, in MiB. */
  peakRssMiB?: Record<string, number>;
  profiles?: ProfileSummary[];
}

const ROOT = resolve(import.meta.dirname, '..', '..');
const packageVersion = (name: string): string =>
  JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;

export function machineNow(): Machine {
  const gib = (bytes: number) => Math.round((bytes / 2 ** 30) * 10) / 10;
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: gib(totalmem()),
    freeMemoryGiB: gib(freemem()),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100) as [number, number, number],
  };
}

export const baseVersions = (): Record<string, string> => ({
  node: process.version,
  kafka: KAFKA_VERSION,
  registry: `Apicurio ${APICURIO_VERSION}`,
  kafkajs: packageVersion('kafkajs'),
  fastify: packageVersion('fastify'),
  lmdb: packageVersion('lmdb'),
});

/** `BENCH_RESULTS_DIR`, else `<TSUNAGI_HOME>/bench` (git-ignored). */
export const resultsDir = (home = loadInfraConfig().home): string =>
  process.env.BENCH_RESULTS_DIR ?? join(infraPaths(home).home, 'bench');

/** A fresh folder for one run's CPU profiles (`.cpuprofile` and `.folded`), kept beside the results. */
export function profilesDir(benchmark: string): string {
  const dir = join(
    resultsDir(),
    'profiles',
    `${benchmark}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
  );
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes the result as `<dir>/<benchmark>-<time>.json` and `<benchmark>-latest.json`; returns the first. */
export function writeResult(result: BenchResult, dir = resultsDir()): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.benchmark}-${result.at.replace(/[:.]/g, '-')}.json`);
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(dir, `${result.benchmark}-latest.json`), text);
  return file;
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined ? '' : n.toLocaleString('en', { maximumFractionDigits: digits });

/** The table every benchmark prints: one row per figure, its baseline ratio and the target. */
export function formatResult(result: BenchResult): string {
  const m = result.machine;
  const head = [
    `${result.benchmark.toUpperCase()} ${result.title}`,
    `  machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB (${m.freeMemoryGiB} free), load average at start ${m.loadAverage.join(' ')}`,
    `  versions: ${Object.entries(result.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `  settings: ${Object.entries(result.settings)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(', ')}`,
  ];
  const rows = result.figures.map((f) => [
    f.path,
    `${fmt(f.value, f.value < 100 ? 2 : 0)} ${f.unit}`,
    f.p50Ms === undefined ? '' : `${fmt(f.p50Ms, 2)} ms`,
    f.p99Ms === undefined ? '' : `${fmt(f.p99Ms, 2)} ms`,
    f.ratio === undefined ? '' : `${f.ratio} × ${f.baseline}`,
    f.target ?? '',
  ]);
  const header = ['path', 'figure', 'p50', 'p99', 'ratio to baseline', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 1 || i === 2 || i === 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  const memory = result.peakRssMiB
    ? [
        `  peak memory: ${Object.entries(result.peakRssMiB)
          .map(([k, v]) => `${k} ${v} MiB`)
          .join(', ')}`,
      ]
    : [];
  const notes = result.figures.filter((f) => f.note).map((f) => `  note (${f.path}): ${f.note}`);
  return [
    ...head,
    line(header),
    ...rows.map(line),
    ...memory,
    ...notes,
    `  ${result.elapsedSeconds.toFixed(0)} s`,
  ].join('\n');
}

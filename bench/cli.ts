import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchResult } from './harness/report.js';
import { machineNow, resultsDir } from './harness/report.js';

/**
 * `npm run bench [-- b1 b3 …] [--quick] [--profile] [script options]`: runs the chosen benchmarks
 * (all by default), each as its own process, one after another, into one run folder under
 * `<TSUNAGI_HOME>/bench/` (git-ignored), then prints the headline figures of the run and writes
 * them as `summary.json` there. Figures only; nothing passes or fails.
 */
export const BENCHMARKS = {
  b1: {
    script: 'bench/b1-inquiries.ts',
    what: 'inquiries answered after their trail record (gateway, mutual TLS)',
  },
  b2: { script: 'bench/b2-export.ts', what: 'export file → resident and item views' },
  b3: { script: 'bench/b3-replay.ts', what: 'replay of every view from offset zero' },
  b4: { script: 'bench/trail-log.ts', what: "trail proofs: the Merkle log's integration and proofs" },
  b5: { script: 'bench/analytics.ts', what: 'analytics: sink into ClickHouse and reports' },
} as const;
type BenchmarkId = keyof typeof BENCHMARKS;
const ROOT = resolve(import.meta.dirname, '..');

const isId = (arg: string): arg is BenchmarkId => arg in BENCHMARKS;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(
      `usage: npm run bench -- [${Object.keys(BENCHMARKS).join('|')} …] [--quick] [--profile] [options of the scripts]\n${Object.entries(
        BENCHMARKS,
      )
        .map(([id, b]) => `  ${id}  ${b.what} (${b.script})`)
        .join('\n')}`,
    );
    return 0;
  }
  const chosen = argv.filter(isId);
  const passed = argv.filter((a) => !isId(a));
  const ids = chosen.length > 0 ? chosen : (Object.keys(BENCHMARKS) as BenchmarkId[]);
  const at = new Date().toISOString();
  const runDir = join(resultsDir(), `run-${at.replace(/[:.]/g, '-')}`);
  mkdirSync(runDir, { recursive: true });
  console.log(`benchmarks ${ids.join(', ')} → ${runDir}`);
  const failed: string[] = [];
  for (const id of ids) {
    const code = await new Promise<number>((done) =>
      spawn(process.execPath, ['--import', 'tsx', BENCHMARKS[id].script, '--out', runDir, ...passed], {
        cwd: ROOT,
        stdio: 'inherit',
      }).once('exit', (c) => done(c ?? 1)),
    );
    if (code !== 0) failed.push(id);
  }
  const results = readdirSync(runDir)
    .filter((f) => f.endsWith('-latest.json'))
    .map((f) => JSON.parse(readFileSync(join(runDir, f), 'utf8')) as BenchResult)
    .sort((a, b) => a.benchmark.localeCompare(b.benchmark));
  const headline = results.flatMap((r) =>
    r.figures.filter((f) => f.target).map((f) => ({ benchmark: r.benchmark, ...f })),
  );
  console.log(`\nheadline figures (targets from issue 14; ratios are to baselines of the same run)`);
  for (const f of headline)
    console.log(
      `  ${f.benchmark.toUpperCase()} ${f.path}: ${f.value.toLocaleString('en')} ${f.unit}${f.p99Ms === undefined ? '' : `, p99 ${f.p99Ms} ms`}${f.ratio === undefined ? '' : ` = ${f.ratio} × ${f.baseline}`}  (target ${f.target})`,
    );
  if (failed.length > 0) console.log(`  failed: ${failed.join(', ')} (see their output above)`);
  writeFileSync(
    join(runDir, 'summary.json'),
    `${JSON.stringify({ at, machineAtEnd: machineNow(), benchmarks: ids, failed, headline }, null, 2)}\n`,
  );
  console.log(`  written ${join(runDir, 'summary.json')}`);
  return failed.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code));

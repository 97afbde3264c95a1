import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './harness/report.js';

/**
 * `npx tsx bench/results-markdown.ts RUN_DIR` prints a run's results as the Markdown tables of
 * bench/RESULTS.md, with an empty "before" column that a later run fills (paste its "now").
 */
const runDir = process.argv[2];
if (!runDir) {
  console.error('usage: npx tsx bench/results-markdown.ts <TSUNAGI_HOME>/bench/run-…');
  process.exit(2);
}
const results = readdirSync(runDir)
  .filter((f) => f.endsWith('-latest.json'))
  .map((f) => JSON.parse(readFileSync(join(runDir, f), 'utf8')) as BenchResult)
  .sort((a, b) => a.benchmark.localeCompare(b.benchmark));
const n = (value: number | undefined, unit = '') =>
  value === undefined
    ? ''
    : `${value.toLocaleString('en', { maximumFractionDigits: value < 100 ? 2 : 0 })}${unit}`;
for (const r of results) {
  const m = r.machine;
  console.log(`### ${r.benchmark.toUpperCase()} ${r.title}\n`);
  console.log(
    `${r.at}, ${Math.round(r.elapsedSeconds)} s; ${m.cpus} CPUs, ${m.memoryGiB} GiB, load average at start ${m.loadAverage.join(' / ')}; ` +
      `${Object.entries(r.settings)
        .filter(([k]) => k !== 'quick')
        .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`)
        .join('; ')}\n`,
  );
  console.log('| path | now | p50 | p99 | ratio to baseline (same run) | target | before |');
  console.log('|---|---:|---:|---:|---|---|---|');
  for (const f of r.figures)
    console.log(
      `| ${f.path} | ${n(f.value)} ${f.unit} | ${n(f.p50Ms, ' ms')} | ${n(f.p99Ms, ' ms')} | ${f.ratio === undefined ? '' : `${f.ratio} × ${f.baseline}`} | ${f.target ?? ''} | |`,
    );
  if (r.peakRssMiB)
    console.log(
      `\nPeak memory: ${Object.entries(r.peakRssMiB)
        .map(([k, v]) => `${k} ${v} MiB`)
        .join(', ')}.`,
    );
  const notes = r.figures.filter((f) => f.note);
  if (notes.length > 0) console.log(`\n${notes.map((f) => `- ${f.path}: ${f.note}`).join('\n')}`);
  console.log('');
}

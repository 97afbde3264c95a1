import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResult } from './harness/report.js';

/**
 * A seconds-long smoke run of the benchmark command (`--quick`) on the real stack, so the harness
 * does not rot: B3 (Kafka, registry, lmdb), B4 (no servers) and B5 (ClickHouse). Asserts the
 * result format, never a figure's size. B1 and B2 run the services; `npm run bench` covers them.
 */
const out = mkdtempSync(join(tmpdir(), 'tsunagi-bench-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run bench -- --quick', () => {
  it('runs B3, B4 and B5 into one run folder, each with machine, versions, settings and figures with baselines', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/cli.ts', 'b3', 'b4', 'b5', '--quick'],
      {
        cwd: resolve(import.meta.dirname, '..'),
        env: { ...process.env, BENCH_RESULTS_DIR: out },
        encoding: 'utf8',
        timeout: 110_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('headline figures');
    const [runDir] = readdirSync(out).filter((f) => f.startsWith('run-'));
    const files = readdirSync(join(out, runDir as string));
    expect(files.filter((f) => f.endsWith('-latest.json')).sort()).toEqual([
      'b3-latest.json',
      'b4-latest.json',
      'b5-latest.json',
    ]);
    for (const id of ['b3', 'b4', 'b5']) {
      const result = JSON.parse(
        readFileSync(join(out, runDir as string, `${id}-latest.json`), 'utf8'),
      ) as BenchResult;
      expect(result.machine.cpus).toBeGreaterThan(0);
      expect(result.machine.loadAverage).toHaveLength(3);
      expect(result.versions.node).toBe(process.version);
      expect(result.settings.quick).toBe(true);
      const withBaseline = result.figures.filter((f) => f.baseline);
      expect(withBaseline.length).toBeGreaterThan(0);
      for (const f of withBaseline) {
        expect(result.figures.map((g) => g.path)).toContain(f.baseline);
        expect(f.ratio).toBeGreaterThan(0);
      }
    }
    const summary = JSON.parse(readFileSync(join(out, runDir as string, 'summary.json'), 'utf8'));
    expect(summary.failed).toEqual([]);
    expect(summary.headline.map((h: { benchmark: string }) => h.benchmark)).toEqual(
      expect.arrayContaining(['b3', 'b4']),
    );
  });
});

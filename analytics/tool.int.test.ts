import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InfraConfig } from '../platform/config.js';
import { eventually } from '../tests/support/eventually.js';
import { testConfig } from '../tests/support/infra.js';
import { writeChart } from './analyst.js';
import { analyticsDatabases } from './ddl.js';
import { REPORTS, reportByName } from './reports.js';
import type { Row } from './table-format.js';
import { adminQuery, dropAnalytics, isolatedAnalytics, publish, testSink } from './testing/clickhouse.js';
import { disclosure } from './testing/events.js';

/**
 * `npm run analytics` as an analyst runs it (a child process on the stack's ClickHouse, as the
 * read-only user), and chart files drawn from a database this test filled through the sink.
 */
const ROOT = resolve(import.meta.dirname, '..');
const tool = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'analytics/tool.ts'), ...args], {
    cwd: ROOT,
    env: process.env,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
const out = mkdtempSync(join(tmpdir(), 'tsunagi-analytics-tool-'));
const stackReports = analyticsDatabases(testConfig().CLICKHOUSE_DATABASE).reports;

describe('npm run analytics', () => {
  it.each(REPORTS.map((r) => r.name))('prints %s as an aligned table with its header', async (name) => {
    const { code, stdout } = await tool(name, '--limit', '5');
    expect(code).toBe(0);
    const report = reportByName(name);
    expect(stdout.split('\n')[0]).toBe(report?.title);
    expect(stdout.split('\n')[2]).toMatch(new RegExp(`^${report?.columns[0]?.header}`));
  });

  it('writes CSV, an SVG chart and the one-page HTML report', async () => {
    const csv = await tool('top-office-works', '--csv');
    expect(csv.stdout.split('\r\n')[0]).toBe('office_work,accesses,requesters');
    const svg = await tool('latency', '--chart', join(out, 'latency.svg'));
    expect(svg.stderr).toMatch(/^wrote .*latency\.svg \(\d+ bytes\)/);
    expect(readFileSync(join(out, 'latency.svg'), 'utf8')).toMatch(
      /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
    );
    await tool('--html', join(out, 'report.html'));
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg /g)).toHaveLength(REPORTS.length);
  });

  it('--sql runs as the read-only analyst: the reports are readable, raw facts are refused', async () => {
    const allowed = await tool(
      '--sql',
      `SELECT count() AS n FROM ${stackReports}.report_latency_by_provider`,
    );
    expect(allowed.code).toBe(0);
    const refused = await tool('--sql', `SELECT * FROM ${testConfig().CLICKHOUSE_DATABASE}.trail_facts`);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      `FORBIDDEN: ClickHouse refused the analyst: Access denied to database ${testConfig().CLICKHOUSE_DATABASE} for user tsunagi_analyst`,
    );
  });

  it('refuses an unknown report and a chart file of another type, saying what was wrong', async () => {
    const unknown = await tool('who-looked-at-my-neighbour');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^INPUT_INVALID: unknown report 'who-looked-at-my-neighbour'/);
    const pdf = await tool('latency', '--chart', join(out, 'x.pdf'));
    expect(pdf.stderr.trim()).toBe('INPUT_INVALID: --chart must name a .svg or .png file, not .pdf');
  });
});

describe('charts of suppressed reports', () => {
  let config: InfraConfig;
  let rows: Row[];
  beforeAll(async () => {
    config = await isolatedAnalytics('charts');
    const works = ['child-allowance-eligibility', 'unemployment-benefit', 'public-assistance', 'rare-work'];
    await publish(
      config,
      Array.from({ length: 160 }, (_, n) =>
        disclosure('chart', n, {
          outcome: n % 7 === 0 ? 'REFUSED' : 'DISCLOSED',
          officeWork: n < 4 ? 'rare-work' : (works[n % 3] as string),
          latencyMs: 20 + (n % 50) * 3,
        }),
      ),
    );
    const { sink } = testSink(config);
    await sink.start();
    const db = config.CLICKHOUSE_DATABASE;
    await eventually(
      () => adminQuery<{ n: string }>(config, `SELECT count() AS n FROM ${db}.trail_facts`),
      (r) => r[0]?.n === '160',
    );
    await sink.stop();
    rows = await adminQuery<Row>(
      config,
      `SELECT office_work, accesses, requesters FROM ${db}.report_top_office_works ORDER BY accesses DESC NULLS LAST`,
    );
  });
  afterAll(async () => dropAnalytics(config));

  it('draws a PNG chart (checked by signature, dimensions and size) with the small cell left out', async () => {
    const report = reportByName('top-office-works');
    if (!report) throw new Error('no such report');
    expect(rows.at(-1)).toEqual({ office_work: 'rare-work', accesses: null, requesters: null });
    const file = join(out, 'top-office-works.png');
    const bytes = await writeChart(file, report, rows, 10);
    const png = readFileSync(file);
    expect(statSync(file).size).toBe(bytes);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.readUInt32BE(16)).toBeGreaterThan(800); // width: 2× the 560 px plot plus axis labels
    expect(bytes).toBeGreaterThan(10_000);
    const svgFile = join(out, 'top-office-works.svg');
    await writeChart(svgFile, report, rows, 10);
    const svg = readFileSync(svgFile, 'utf8');
    expect(svg).toContain('1 cell(s) suppressed (fewer than 10)');
    expect(svg).not.toContain('rare-work');
  });
});

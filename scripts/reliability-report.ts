import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { faultConfig, REPOSITORY } from '../tests/fault/support/fault-env.js';
import { type FaultCase, figuresFile, readFigures } from '../tests/fault/support/figures.js';

/**
 * Writes the fault tier's last figures (`<fault home>/results/fault-summary.json`, written by
 * `npx vitest run --project fault`) into docs/RELIABILITY.md between its figure markers, so the
 * report's numbers are always those of a run, never typed by hand.
 *
 *   npx tsx scripts/reliability-report.ts && npx biome format --write docs/RELIABILITY.md
 */
const BEGIN = '<!-- fault figures: begin (scripts/reliability-report.ts) -->';
const END = '<!-- fault figures: end -->';
const DOC = join(REPOSITORY, 'docs', 'RELIABILITY.md');

const cell = (entries: Record<string, number | string>): string =>
  Object.entries(entries)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');

const row = (c: FaultCase): string =>
  `| \`${c.id}\` | ${c.faults.join('; ')} | ${c.cases} | ${cell(c.broken)} | ${cell(c.figures)} | ${c.seconds.toFixed(0)} |`;

function renderFigures(cases: FaultCase[], startedAt: string): string {
  const broken = cases.reduce((n, c) => n + Object.values(c.broken).reduce((a, b) => a + b, 0), 0);
  return [
    BEGIN,
    `Run of ${startedAt.slice(0, 16).replace('T', ' ')} UTC: ${cases.length} cases, ${cases.reduce((n, c) => n + c.cases, 0)} items through faults, broken promises ${broken}.`,
    '',
    '| case | faults injected | items | promise counts (0 = kept) | figures | s |',
    '| ---- | --------------- | ----- | ------------------------- | ------- | - |',
    ...cases.map(row),
    END,
  ].join('\n');
}

function main(): number {
  const file = figuresFile(faultConfig());
  const summary = readFigures(file);
  if (!summary) {
    console.error(`no fault figures at ${file}: run \`npx vitest run --project fault\` first`);
    return 1;
  }
  const doc = readFileSync(DOC, 'utf8');
  const [before, rest] = doc.split(BEGIN);
  const after = rest?.split(END)[1];
  if (before === undefined || after === undefined) {
    console.error(`docs/RELIABILITY.md has no figure markers (${BEGIN} … ${END})`);
    return 1;
  }
  writeFileSync(DOC, `${before}${renderFigures(summary.cases, summary.startedAt)}${after}`);
  console.log(`docs/RELIABILITY.md: figures of ${summary.cases.length} cases from ${file}`);
  return 0;
}

process.exit(main());

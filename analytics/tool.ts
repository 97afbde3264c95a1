import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TsunagiError } from '../core/errors.js';
import { loadInfraConfig } from '../platform/config.js';
import { analystClient, analystRows, reportRows, writeChart } from './analyst.js';
import { chartSpec, renderSvg } from './chart.js';
import { htmlReport } from './html.js';
import { REPORTS, reportByName } from './reports.js';
import { readAnalyticsSettings } from './settings.js';
import { alignedTable, columnsOf, csv } from './table-format.js';

const USAGE = `usage: npm run analytics -- <report> [--csv] [--chart out.svg|out.png] [--limit N]
       npm run analytics -- --html out.html [<report>]
       npm run analytics -- --sql "SELECT ... FROM <report view>" [--csv]
reports: ${REPORTS.map((r) => r.name).join(', ')}
Runs as the read-only ClickHouse analyst, who sees only the suppressed report views
(${REPORTS.map((r) => r.view).join(', ')}); cells below k are shown as x.`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      csv: { type: 'boolean', default: false },
      chart: { type: 'string' },
      html: { type: 'string' },
      sql: { type: 'string' },
      limit: { type: 'string', default: '50' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const config = loadInfraConfig();
  const settings = readAnalyticsSettings();
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new TsunagiError('INPUT_INVALID', '--limit must be a positive integer', { path: 'limit' });
  const client = analystClient(config, settings);
  try {
    if (values.sql !== undefined) {
      const rows = await analystRows(client, values.sql);
      const columns = columnsOf(rows);
      process.stdout.write(values.csv ? csv(columns, rows) : `${alignedTable(columns, rows)}\n`);
      return;
    }
    const named = positionals[0];
    const report = named === undefined ? undefined : reportByName(named);
    if (named !== undefined && !report)
      throw new TsunagiError('INPUT_INVALID', `unknown report '${named}'\n${USAGE}`, { path: 'report' });
    if (values.html !== undefined) {
      const sections = [];
      for (const r of report ? [report] : REPORTS) {
        const rows = await reportRows(client, config, r, limit);
        sections.push({ report: r, rows, svg: await renderSvg(chartSpec(r, rows, settings.ANALYTICS_K)) });
      }
      writeFileSync(values.html, htmlReport(sections, { generatedAt: new Date(), k: settings.ANALYTICS_K }));
      console.error(`wrote ${values.html} (${sections.length} report(s))`);
      return;
    }
    if (!report) throw new TsunagiError('INPUT_INVALID', `name a report\n${USAGE}`, { path: 'report' });
    const rows = await reportRows(client, config, report, limit);
    process.stdout.write(
      values.csv ? csv(report.columns, rows) : `${report.title}\n\n${alignedTable(report.columns, rows)}\n`,
    );
    if (values.chart !== undefined) {
      const bytes = await writeChart(values.chart, report, rows, settings.ANALYTICS_K);
      console.error(`wrote ${values.chart} (${bytes} bytes)`);
    }
  } finally {
    await client.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof TsunagiError ? `${error.code}: ${error.message}` : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(error instanceof TsunagiError && error.code === 'INPUT_INVALID' ? 2 : 1);
});

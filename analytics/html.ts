import { escapeMarkup } from './markup.js';
import type { Report } from './reports.js';
import { alignedTable, type Row } from './table-format.js';

export interface HtmlSection {
  report: Report;
  rows: readonly Row[];
  svg: string;
}

/** One self-contained page: every report's chart (inline SVG) above its table. No scripts, no external files. */
export function htmlReport(sections: readonly HtmlSection[], meta: { generatedAt: Date; k: number }): string {
  const body = sections
    .map(
      ({ report, rows, svg }) => `<section>
<h2>${escapeMarkup(report.title)}</h2>
<figure>${svg}</figure>
<pre>${escapeMarkup(alignedTable(report.columns, rows))}</pre>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tsunagi analytics</title>
<style>
body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 2rem; color: #222; }
section { margin-bottom: 3rem; }
pre { background: #f6f6f6; padding: 0.75rem; overflow-x: auto; }
</style>
</head>
<body>
<h1>Tsunagi analytics</h1>
<p>Generated ${escapeMarkup(meta.generatedAt.toISOString())}. Cells counting fewer than ${meta.k} are suppressed and shown as <b>x</b>.
Pseudonymous aggregates only: no resident can be singled out.</p>
${body}
</body>
</html>
`;
}

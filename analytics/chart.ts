import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Report } from './reports.js';
import { cell, type Row } from './table-format.js';

const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

/**
 * A Vega-Lite bar chart of a report: one bar per category and measure. Suppressed cells (NULL) are
 * left out of the bars and counted in the subtitle, so a chart never shows a hidden value.
 */
export function chartSpec(report: Report, rows: readonly Row[], k: number): TopLevelSpec {
  const { category, measures, colour, title } = report.chart;
  const values = rows.flatMap((row) =>
    measures.map((measure) => ({
      category: category
        .map((c) => cell(row[c], report.columns.find((col) => col.name === c)?.kind))
        .join(' · '),
      measure,
      colour: colour ? String(row[colour] ?? '') : measure,
      value: row[measure] === null || row[measure] === undefined ? null : Number(row[measure]),
    })),
  );
  const hidden = values.filter((v) => v.value === null).length;
  const grouped = measures.length > 1;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: `${hidden} cell(s) suppressed (fewer than ${k}); ${rows.length} row(s)`,
    },
    width: 560,
    data: { values },
    transform: [{ filter: 'datum.value !== null' }],
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'category', type: 'nominal', sort: null, title: null, axis: { labelLimit: 260 } },
      x: { field: 'value', type: 'quantitative', title: measures.join(' / ') },
      color:
        grouped || colour
          ? { field: 'colour', type: 'nominal', title: colour ?? 'measure' }
          : { value: '#3b6ea8' },
      ...(grouped ? { yOffset: { field: 'measure' } } : {}),
    },
    config: { font: FONT, view: { stroke: null } },
  } as TopLevelSpec;
}

/** Renders a Vega-Lite spec to SVG server-side (no browser). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** SVG → PNG at twice the size, on white, with the system fonts (resvg's prebuilt binary). */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return Buffer.from(resvg.render().asPng());
}

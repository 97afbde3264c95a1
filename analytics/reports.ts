/**
 * The canned reports an analyst runs (`npm run analytics -- <report>`). Each reads one suppressed
 * view through the analyst's proxy table; a NULL cell is suppressed (fewer than k, never zero).
 */
export interface ReportColumn {
  name: string;
  header: string;
  kind: 'text' | 'month' | 'count' | 'rate' | 'ms';
}

export interface ChartSpec {
  /** Category (y axis) built from these columns, joined by ' · '. */
  category: string[];
  /** Measures drawn as bars; several are shown side by side with a colour legend. */
  measures: string[];
  /** Optional column that colours stacked bars (e.g. change type). */
  colour?: string;
  title: string;
}

export interface Report {
  name: string;
  view: string;
  title: string;
  columns: ReportColumn[];
  orderBy: string;
  chart: ChartSpec;
}

const text = (name: string, header: string): ReportColumn => ({ name, header, kind: 'text' });
const count = (name: string, header: string): ReportColumn => ({ name, header, kind: 'count' });

export const REPORTS: readonly Report[] = [
  {
    name: 'top-office-works',
    view: 'report_top_office_works',
    title: 'Inquiries per office work',
    columns: [
      text('office_work', 'office work'),
      count('accesses', 'accesses'),
      count('requesters', 'requesters'),
    ],
    orderBy: 'accesses DESC NULLS LAST, office_work',
    chart: { category: ['office_work'], measures: ['accesses'], title: 'Accesses per office work' },
  },
  {
    name: 'refusal-rates',
    view: 'report_refusal_rates',
    title: 'Refusal rates per requester and office work',
    columns: [
      text('requester', 'requester'),
      text('office_work', 'office work'),
      count('inquiries', 'inquiries'),
      count('refused', 'refused'),
      { name: 'refusal_rate', header: 'refusal rate', kind: 'rate' },
    ],
    orderBy: 'inquiries DESC NULLS LAST, requester, office_work',
    chart: { category: ['requester', 'office_work'], measures: ['refusal_rate'], title: 'Refusal rate' },
  },
  {
    name: 'latency',
    view: 'report_latency_by_provider',
    title: 'Inquiry latency per provider (request received → trail record made)',
    columns: [
      text('provider', 'provider'),
      count('accesses', 'accesses'),
      { name: 'p50_ms', header: 'p50 ms', kind: 'ms' },
      { name: 'p95_ms', header: 'p95 ms', kind: 'ms' },
    ],
    orderBy: 'accesses DESC NULLS LAST, provider',
    chart: { category: ['provider'], measures: ['p50_ms', 'p95_ms'], title: 'Latency per provider (ms)' },
  },
  {
    name: 'monthly-changes',
    view: 'report_monthly_changes',
    title: 'Resident-record changes per month and municipality',
    columns: [
      { name: 'month', header: 'month', kind: 'month' },
      text('municipality', 'municipality'),
      text('change_type', 'change type'),
      count('changes', 'changes'),
    ],
    orderBy: 'month, municipality, change_type',
    chart: {
      category: ['month', 'municipality'],
      measures: ['changes'],
      colour: 'change_type',
      title: 'Changes per month and municipality',
    },
  },
  {
    name: 'consent-take-up',
    view: 'report_consent_take_up',
    title: 'Consent take-up per recipient and purpose',
    columns: [
      text('recipient', 'recipient'),
      text('purpose', 'purpose'),
      count('granted', 'granted'),
      count('revoked', 'revoked'),
      count('net', 'granted − revoked'),
    ],
    orderBy: 'granted DESC NULLS LAST, recipient, purpose',
    chart: {
      category: ['recipient', 'purpose'],
      measures: ['granted', 'revoked'],
      title: 'Consents granted and revoked',
    },
  },
  {
    name: 'ingest-runs',
    view: 'report_ingest_runs',
    title: 'Export ingest per core system',
    columns: [
      text('system', 'system'),
      count('runs', 'runs'),
      count('rows_read', 'rows read'),
      count('rows_published', 'published'),
      count('rows_dead_lettered', 'dead-lettered'),
    ],
    orderBy: 'system',
    chart: {
      category: ['system'],
      measures: ['rows_published', 'rows_dead_lettered'],
      title: 'Rows per core system',
    },
  },
];

export const reportByName = (name: string): Report | undefined => REPORTS.find((r) => r.name === name);

/** The analyst's query of a report: its proxy table, ordered, at most `limit` rows. */
export const reportSql = (report: Report, reportsDatabase: string, limit: number): string =>
  `SELECT ${report.columns.map((c) => c.name).join(', ')} FROM ${reportsDatabase}.${report.view} ORDER BY ${report.orderBy} LIMIT ${Math.max(1, Math.floor(limit))}`;

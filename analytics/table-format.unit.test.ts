import { describe, expect, it } from 'vitest';
import { reportByName, reportSql } from './reports.js';
import { alignedTable, csv } from './table-format.js';

const report = reportByName('refusal-rates');
const rows = [
  {
    requester: 'hello-work',
    office_work: 'unemployment-benefit',
    inquiries: '1517',
    refused: '212',
    refusal_rate: 0.1397,
  },
  {
    requester: '131016',
    office_work: 'child-allowance, "special"',
    inquiries: null,
    refused: null,
    refusal_rate: null,
  },
];

describe('report output', () => {
  it('prints an aligned table: text left, numbers right, suppressed cells as x', () => {
    expect(alignedTable(report?.columns ?? [], rows)).toBe(
      [
        'requester   office work                 inquiries  refused  refusal rate',
        '──────────  ──────────────────────────  ─────────  ───────  ────────────',
        'hello-work  unemployment-benefit            1,517      212         14.0%',
        '131016      child-allowance, "special"          x        x             x',
      ].join('\n'),
    );
  });

  it('writes RFC 4180 CSV with raw numbers and x for suppressed cells', () => {
    expect(csv(report?.columns ?? [], rows)).toBe(
      'requester,office_work,inquiries,refused,refusal_rate\r\n' +
        'hello-work,unemployment-benefit,1517,212,0.1397\r\n' +
        '131016,"child-allowance, ""special""",x,x,x\r\n',
    );
  });

  it('queries the analyst proxy of the report view, ordered and limited', () => {
    expect(report && reportSql(report, 'tsunagi_reports', 20)).toBe(
      'SELECT requester, office_work, inquiries, refused, refusal_rate FROM tsunagi_reports.report_refusal_rates ORDER BY inquiries DESC NULLS LAST, requester, office_work LIMIT 20',
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  type AnswerReceipt,
  formatReport,
  type HistoryEntry,
  reconcile,
  type TrailRecord,
} from './reconcile.js';

const window = { from: new Date('2026-05-01T00:00:00Z'), to: new Date('2026-05-01T01:00:00Z') };
const t = (minute: number) => new Date(window.from.getTime() + minute * 60_000);
const digest = (n: number) => n.toString(16).padStart(64, '0');

const record = (offset: number, over: Partial<TrailRecord> = {}): TrailRecord => ({
  partition: 0,
  offset: String(offset),
  eventId: `ev-${offset}`,
  correlationId: `inq-${offset}`,
  channel: 'INQUIRY',
  outcome: 'DISCLOSED',
  recordedAt: t(offset),
  digest: digest(offset),
  ...over,
});
const entry = (r: TrailRecord): HistoryEntry => ({
  eventId: r.eventId,
  recordedAt: r.recordedAt,
  channel: r.channel,
  outcome: r.outcome,
});
const answer = (r: TrailRecord, over: Partial<AnswerReceipt['items'][number]> = {}): AnswerReceipt => ({
  inquiryId: r.correlationId,
  receivedAt: new Date(r.recordedAt.getTime() + 50),
  status: 200,
  items: [
    {
      outcome: 'DISCLOSED',
      digest: r.digest,
      trail: { topic: 'tsunagi.access-trail', partition: r.partition, offset: r.offset },
      ...over,
    },
  ],
});

describe('reconciling answers, the trail and the history of a window', () => {
  it('finds nothing when every answer has its record and the history holds every record once', () => {
    const trail = [1, 2, 3].map((o) => record(o));
    const report = reconcile({
      window,
      trail,
      history: trail.map(entry),
      answers: trail.map((r) => answer(r)),
    });
    expect(report).toMatchObject({
      ok: true,
      differences: [],
      answers: { received: 3, disclosedItems: 3 },
      trail: { records: 3, events: 3, byChannel: { INQUIRY: { DISCLOSED: 3 } } },
      history: { entries: 3 },
    });
    expect(formatReport(report)).toContain('OK: no promise broken');
  });

  it('allows a record without a received answer (over-statement) and counts it', () => {
    const trail = [1, 2, 3].map((o) => record(o));
    const report = reconcile({
      window,
      trail,
      history: trail.map(entry),
      answers: [answer(trail[0] as TrailRecord)],
    });
    expect(report.ok).toBe(true);
    expect(report.differences).toEqual([
      { kind: 'RECORD_WITHOUT_ANSWER', count: 2, examples: ['inq-2 → 0@2', 'inq-3 → 0@3'] },
    ]);
    expect(formatReport(report)).toContain('allowed RECORD_WITHOUT_ANSWER: 2');
  });

  it('breaks on an answer whose position holds no record, or another inquiry’s or another digest', () => {
    const trail = [1, 2].map((o) => record(o));
    const ghost = answer(record(9));
    const wrongDigest = answer(trail[1] as TrailRecord, { digest: digest(77) });
    const report = reconcile({
      window,
      trail,
      history: trail.map(entry),
      answers: [answer(trail[0] as TrailRecord), ghost, wrongDigest],
    });
    expect(report.ok).toBe(false);
    expect(report.differences.map((d) => [d.kind, d.count])).toEqual([
      ['ANSWER_WITHOUT_RECORD', 1],
      ['ANSWER_RECORD_MISMATCH', 1],
    ]);
    expect(formatReport(report)).toContain('BROKEN  ANSWER_WITHOUT_RECORD: 1 (e.g. inq-9 → 0@9)');
  });

  it('breaks when the history misses a record or holds one the trail does not', () => {
    const trail = [1, 2, 3].map((o) => record(o));
    const stray = entry(record(5, { eventId: 'ev-stray' }));
    const report = reconcile({
      window,
      trail,
      history: [entry(trail[0] as TrailRecord), stray],
      answers: null,
    });
    expect(report.ok).toBe(false);
    expect(report.answers).toBeNull();
    expect(report.differences).toEqual([
      { kind: 'RECORD_NOT_IN_HISTORY', count: 2, examples: ['0@2', '0@3'] },
      { kind: 'HISTORY_NOT_IN_TRAIL', count: 1, examples: ['ev-stray'] },
    ]);
  });

  it('counts only the window, matches answers to earlier records, and reports repeated event ids as allowed', () => {
    const before = record(-5);
    const repeated = record(4, { eventId: 'ev-2', channel: 'SUBSCRIPTION', correlationId: 'src-1' });
    const trail = [before, record(2, { channel: 'SUBSCRIPTION' }), repeated, record(70)];
    const inWindow = [trail[1], trail[2]] as TrailRecord[];
    const report = reconcile({
      window,
      trail,
      history: inWindow.slice(0, 1).map(entry),
      answers: [{ ...answer(before), receivedAt: t(0.5) }],
    });
    expect(report.trail).toMatchObject({
      records: 2,
      events: 1,
      byChannel: { SUBSCRIPTION: { DISCLOSED: 2 } },
    });
    expect(report.answers).toEqual({ received: 1, disclosedItems: 1 });
    expect(report.differences).toEqual([{ kind: 'TRAIL_REPEATS', count: 1, examples: ['0@4'] }]);
    expect(report.ok).toBe(true);
  });
});

import { z } from 'zod';

/**
 * Reconciliation of a time window: what the agencies were answered, what the trail recorded, and
 * what the residents' history (the projector's trail index) shows. Pure: the command
 * (reconcile-cli.ts) reads the three sources and prints the report.
 *
 * The promises it checks (docs/RELIABILITY.md):
 * - no answer without a record: every answered item has a DISCLOSED record at the trail position its
 *   answer names, with the same inquiry id and digest (a difference is an under-statement: failure);
 * - the trail may over-state, never under-state: records no received answer names are counted and
 *   reported (a timeout or a crash after the record and before the answer), never a failure;
 * - the history holds every trail record once: the same event ids in the window, no more, no fewer.
 */

/** One answer as the agency received it (its audit line), without the disclosed data. */
export const AnswerReceipt = z.object({
  inquiryId: z.string().min(1),
  receivedAt: z.coerce.date(),
  status: z.number().int(),
  items: z
    .array(
      z.object({
        outcome: z.string(),
        digest: z.string().nullable(),
        trail: z.object({ topic: z.string(), partition: z.number().int(), offset: z.string() }),
      }),
    )
    .default([]),
});
export type AnswerReceipt = z.infer<typeof AnswerReceipt>;

/** What the reconciliation needs of a trail record (no linkage id, no content). */
export interface TrailRecord {
  partition: number;
  offset: string;
  eventId: string;
  correlationId: string;
  channel: string;
  outcome: string;
  recordedAt: Date;
  /** Hex SHA-256 of what was disclosed, or null. */
  digest: string | null;
}

export interface HistoryEntry {
  eventId: string;
  recordedAt: Date;
  channel: string;
  outcome: string;
}

export interface Window {
  from: Date;
  to: Date;
}

export type DifferenceKind =
  | 'ANSWER_WITHOUT_RECORD'
  | 'ANSWER_RECORD_MISMATCH'
  | 'RECORD_NOT_IN_HISTORY'
  | 'HISTORY_NOT_IN_TRAIL'
  | 'RECORD_WITHOUT_ANSWER'
  | 'TRAIL_REPEATS';

/** Over-statement and repeats are allowed by design; the other kinds break a promise. */
export const ALLOWED: ReadonlySet<DifferenceKind> = new Set(['RECORD_WITHOUT_ANSWER', 'TRAIL_REPEATS']);

export interface Difference {
  kind: DifferenceKind;
  count: number;
  /** Up to five positions or inquiry ids, to look into (no personal data). */
  examples: string[];
}

type ByChannel = Record<string, Record<string, number>>;

export interface ReconcileReport {
  window: { from: string; to: string };
  answers: { received: number; disclosedItems: number } | null;
  trail: { records: number; events: number; byChannel: ByChannel };
  history: { entries: number; byChannel: ByChannel };
  differences: Difference[];
  /** True when no promise is broken (allowed differences may be present). */
  ok: boolean;
}

const inWindow = (at: Date, w: Window) => at >= w.from && at < w.to;
const at = (partition: number, offset: string) => `${partition}@${offset}`;

function tally(rows: Array<{ channel: string; outcome: string }>): ByChannel {
  const out: ByChannel = {};
  for (const { channel, outcome } of rows) {
    const c = out[channel] ?? {};
    c[outcome] = (c[outcome] ?? 0) + 1;
    out[channel] = c;
  }
  return out;
}

/** Records whose event id came earlier in the list (a re-sent disclosure: the index keeps one). */
function repeatsOf(records: readonly TrailRecord[]): TrailRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    if (seen.has(r.eventId)) return true;
    seen.add(r.eventId);
    return false;
  });
}

const difference = (kind: DifferenceKind, examples: string[]): Difference => ({
  kind,
  count: examples.length,
  examples: examples.slice(0, 5),
});

/**
 * `trail` holds every record read (also before the window: an answer received in the window may
 * name a record made just before it); window counts use `recordedAt`. `answers` is null when no
 * audit of answers was given (then only trail and history are compared).
 */
export function reconcile(input: {
  window: Window;
  trail: readonly TrailRecord[];
  history: readonly HistoryEntry[];
  answers: readonly AnswerReceipt[] | null;
}): ReconcileReport {
  const { window } = input;
  const byPosition = new Map(input.trail.map((r) => [at(r.partition, r.offset), r]));
  const windowTrail = input.trail.filter((r) => inWindow(r.recordedAt, window));
  const trailEvents = new Map(windowTrail.map((r) => [r.eventId, r]));
  const history = input.history.filter((h) => inWindow(h.recordedAt, window));
  const historyEvents = new Set(history.map((h) => h.eventId));
  const differences: Difference[] = [
    difference(
      'RECORD_NOT_IN_HISTORY',
      [...trailEvents.values()]
        .filter((r) => !historyEvents.has(r.eventId))
        .map((r) => at(r.partition, r.offset)),
    ),
    difference(
      'HISTORY_NOT_IN_TRAIL',
      history.filter((h) => !trailEvents.has(h.eventId)).map((h) => h.eventId),
    ),
    difference(
      'TRAIL_REPEATS',
      repeatsOf(windowTrail).map((r) => at(r.partition, r.offset)),
    ),
  ];

  let answers: ReconcileReport['answers'] = null;
  if (input.answers) {
    const received = input.answers.filter((a) => inWindow(a.receivedAt, window));
    const answered = received.flatMap((a) =>
      a.items.filter((i) => i.outcome === 'DISCLOSED').map((item) => ({ answer: a, item })),
    );
    const missing: string[] = [];
    const mismatched: string[] = [];
    const named = new Set<string>();
    for (const { answer, item } of answered) {
      const where = at(item.trail.partition, item.trail.offset);
      named.add(where);
      const record = byPosition.get(where);
      if (!record) missing.push(`${answer.inquiryId} → ${where}`);
      else if (
        record.outcome !== 'DISCLOSED' ||
        record.correlationId !== answer.inquiryId ||
        record.digest !== item.digest
      )
        mismatched.push(`${answer.inquiryId} → ${where}`);
    }
    const unanswered = windowTrail
      .filter((r) => r.channel === 'INQUIRY' && r.outcome === 'DISCLOSED')
      .filter((r) => !named.has(at(r.partition, r.offset)))
      .map((r) => `${r.correlationId} → ${at(r.partition, r.offset)}`);
    differences.unshift(
      difference('ANSWER_WITHOUT_RECORD', missing),
      difference('ANSWER_RECORD_MISMATCH', mismatched),
      difference('RECORD_WITHOUT_ANSWER', unanswered),
    );
    answers = { received: received.length, disclosedItems: answered.length };
  }
  const found = differences.filter((d) => d.count > 0);
  return {
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    answers,
    trail: { records: windowTrail.length, events: trailEvents.size, byChannel: tally(windowTrail) },
    history: { entries: history.length, byChannel: tally(history) },
    differences: found,
    ok: found.every((d) => ALLOWED.has(d.kind)),
  };
}

/** The report for humans: counts per source, then each difference and whether it breaks a promise. */
export function formatReport(report: ReconcileReport): string {
  const channels = (c: ByChannel) =>
    Object.entries(c)
      .map(
        ([channel, outcomes]) =>
          `${channel} ${Object.entries(outcomes)
            .map(([o, n]) => `${o} ${n}`)
            .join(' / ')}`,
      )
      .join('; ') || 'none';
  const lines = [
    `reconciliation ${report.window.from} .. ${report.window.to}`,
    report.answers
      ? `  answers received (agencies' audit): ${report.answers.received}, disclosed items ${report.answers.disclosedItems}`
      : '  answers received: no audit of answers given (--answers); trail and history only',
    `  trail records: ${report.trail.records} (${report.trail.events} events): ${channels(report.trail.byChannel)}`,
    `  history entries: ${report.history.entries}: ${channels(report.history.byChannel)}`,
  ];
  if (report.differences.length === 0) lines.push('  no differences');
  for (const d of report.differences)
    lines.push(
      `  ${ALLOWED.has(d.kind) ? 'allowed' : 'BROKEN '} ${d.kind}: ${d.count} (e.g. ${d.examples.join(', ')})`,
    );
  lines.push(report.ok ? '  OK: no promise broken' : '  FAILED: a promise is broken (see BROKEN above)');
  return lines.join('\n');
}

import type { Clock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import type { EventStore } from '../platform/event-store.js';
import {
  type EligibilityNoticeDeclined,
  type EligibilityNoticeIssued,
  EventSchemas,
  type TsunagiEvent,
} from '../schemas/events.js';

/** One notice as the resident's inbox shows it. */
export interface InboxNotice {
  noticeId: string;
  title: string;
  ruleId: string;
  officeWork: string;
  responsibleAgency: string;
  dueDate: string;
  effectiveDate: string;
  issuedAt: Date;
  /** NOT_INTERESTED once the resident said so (EligibilityNoticeDeclined). */
  status: 'OPEN' | 'NOT_INTERESTED';
  /** The notice's trail entry, recorded before it was delivered anywhere. */
  trail: EligibilityNoticeIssued['data']['trail'];
}

type Inbox = ReadonlyMap<string, InboxNotice>;

/**
 * The pure evolve of one resident's inbox (keyed by the portal PPID, as the notices topic is): a
 * notice is kept once however often it is issued (its id is deterministic), a decline marks it.
 * A decline read before its notice (it cannot be, on one partition) is kept waiting in `declined`.
 */
export function evolveInbox(
  inbox: Inbox,
  declined: ReadonlySet<string>,
  event: EligibilityNoticeIssued | EligibilityNoticeDeclined,
): { inbox: Inbox; declined: ReadonlySet<string> } {
  const { noticeId } = event.data;
  const known = inbox.get(noticeId);
  if (event.type === 'EligibilityNoticeDeclined') {
    if (!known) return { inbox, declined: new Set([...declined, noticeId]) };
    return { inbox: new Map([...inbox, [noticeId, { ...known, status: 'NOT_INTERESTED' }]]), declined };
  }
  if (known) return { inbox, declined };
  const { ppid: _ppid, ruleRevision: _revision, legalBasisRowId: _row, ...shown } = event.data;
  const notice: InboxNotice = {
    ...shown,
    issuedAt: event.envelope.recordedAt,
    status: declined.has(noticeId) ? 'NOT_INTERESTED' : 'OPEN',
  };
  return { inbox: new Map([...inbox, [noticeId, notice]]), declined };
}

export interface InboxView {
  apply(event: TsunagiEvent): void;
  /** Newest first. */
  noticesOf(ppid: string): InboxNotice[];
}

/** The notices topic in memory, by the resident portal's PPID. */
export function createInboxView(): InboxView {
  const inboxes = new Map<string, { inbox: Inbox; declined: ReadonlySet<string> }>();
  return {
    apply(event) {
      if (event.type !== 'EligibilityNoticeIssued' && event.type !== 'EligibilityNoticeDeclined') return;
      const state = inboxes.get(event.data.ppid) ?? { inbox: new Map(), declined: new Set<string>() };
      inboxes.set(event.data.ppid, evolveInbox(state.inbox, state.declined, event));
    },
    noticesOf: (ppid) =>
      [...(inboxes.get(ppid)?.inbox.values() ?? [])].sort(
        (a, b) => b.issuedAt.getTime() - a.issuedAt.getTime() || b.noticeId.localeCompare(a.noticeId),
      ),
  };
}

/**
 * The resident's "not interested" answer, an event on the notices topic (acks=all). Idempotent: a
 * notice already declined appends nothing. A notice not in this resident's inbox is NOT_FOUND,
 * whoever else's it may be.
 */
export function createNoticeDeclines(deps: {
  view: InboxView;
  publisher: Pick<EventStore, 'append'>;
  clock: Clock;
  ids: () => string;
}) {
  return async (ppid: string, noticeId: string, correlationId: string): Promise<InboxNotice> => {
    const notice = deps.view.noticesOf(ppid).find((n) => n.noticeId === noticeId);
    if (!notice)
      throw new TsunagiError('NOT_FOUND', 'no such notice in your inbox', { path: 'params.noticeId' });
    if (notice.status === 'NOT_INTERESTED') return notice;
    const at = deps.clock.now();
    const event = EventSchemas.EligibilityNoticeDeclined.parse({
      type: 'EligibilityNoticeDeclined',
      envelope: {
        eventId: `nd-${deps.ids()}`,
        occurredAt: at,
        recordedAt: at,
        producer: 'gateway',
        correlationId,
      },
      data: { noticeId, ppid },
    }) as EligibilityNoticeDeclined;
    await deps.publisher.append([event]);
    deps.view.apply(event);
    return { ...notice, status: 'NOT_INTERESTED' };
  };
}
export type NoticeDeclines = ReturnType<typeof createNoticeDeclines>;

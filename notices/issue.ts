import { deliveryOrder } from '../consumers/delivery.js';
import type { NotificationPublisher } from '../consumers/notification-publisher.js';
import type { Clock } from '../core/clock.js';
import {
  awaitsFacts,
  evaluateRules,
  type PlannedNotice,
  type TriggerEvent,
} from '../core/eligibility/evaluate.js';
import { noticeIdOf } from '../core/eligibility/notice-id.js';
import type { EligibilityRules } from '../core/eligibility/table.js';
import type { NoticeContact } from '../core/ledger/entries.js';
import type { LegalBasisPolicy } from '../core/policy/table.js';
import { SESSION_SERVICE_ID } from '../core/resident/portal.js';
import type { CodeRegistry } from '../identity/code-registry.js';
import { isLinkageId } from '../identity/linkage-id.js';
import type { EventStore } from '../platform/event-store.js';
import type { Logger } from '../platform/logger.js';
import type { DeadLetterRecorded, TsunagiEvent } from '../schemas/events.js';
import type { TrailPosition } from '../trail/positions.js';
import type { DisclosureRecorder } from '../trail/recorder.js';
import { NOTICE_MESSAGE, type NoticeChannel } from './contact-channel.js';
import { triggerOf } from './facts.js';
import type { FactsStore, ParkedTrigger } from './facts-store.js';
import { deliveredNotice, issuedNotice, noticeDisclosure, ruleFailureLetter } from './notice-events.js';

export interface NoticeDeps {
  store: FactsStore;
  /** Read once per batch, so reloaded rules and a reloaded legal-basis table apply from the next batch. */
  rules: () => EligibilityRules;
  policy: () => LegalBasisPolicy;
  codes: Pick<CodeRegistry, 'issueAgencyCode' | 'ppidFor'>;
  recorder: Pick<DisclosureRecorder, 'record'>;
  /** The notices topic and the dead letters (acks=all). */
  publisher: Pick<EventStore, 'append'>;
  /** The agencies' own topics (acks=all). */
  deliveries: Pick<NotificationPublisher, 'publish'>;
  /** The resident's contact for notices, opened from the sealed ledger. */
  contactOf: (linkageId: string) => NoticeContact | undefined;
  channel: NoticeChannel;
  clock: Clock;
  logger: Logger;
  /** Draws the delivery order (tests fix it); default: crypto.randomInt. */
  random?: (below: number) => number;
  /** How long a rule failing for want of facts is tried again; default DEFAULT_FACTS_GRACE_MS. */
  factsGraceMs?: number;
  /** How long a trigger waits before it is first evaluated; default DEFAULT_SETTLE_MS. */
  settleMs?: number;
}

/** A source event with where it was read: a rule failure names the position, never the content. */
export interface SourceRecord {
  event: TsunagiEvent;
  position: string;
}

interface Planned {
  plan: PlannedNotice;
  noticeId: string;
  source: TriggerEvent;
}

/** What evaluating a batch decided, before anything is written. */
interface Evaluated {
  planned: Planned[];
  letters: DeadLetterRecorded[];
  park: ParkedTrigger[];
  release: string[];
}

/**
 * Evaluates the batch's new triggers and the parked ones. A trigger is first evaluated `settleMs`
 * after it was read (the rest of its household may come on other partitions). A rule failing for
 * want of facts that may still come (`awaitsFacts`) parks its trigger until `factsGraceMs` after it
 * was read; then, or for any other failure, a dead letter.
 */
function evaluate(triggers: readonly ParkedTrigger[], deps: NoticeDeps, now: Date): Evaluated {
  const rules = deps.rules();
  const policy = deps.policy();
  const grace = deps.factsGraceMs ?? DEFAULT_FACTS_GRACE_MS;
  const result: Evaluated = { planned: [], letters: [], park: [], release: [] };
  const seen = new Set<string>();
  const settle = deps.settleMs ?? DEFAULT_SETTLE_MS;
  for (const parked of triggers) {
    const { trigger, position } = parked;
    // A household's events come on several partitions: give the others time to arrive.
    if (now.getTime() - parked.since < settle) {
      result.park.push(parked);
      continue;
    }
    let waiting = false;
    for (const outcome of evaluateRules(rules, policy, trigger, deps.store.factsFor(trigger.subject))) {
      if (outcome.outcome === 'FAILED') {
        if (awaitsFacts(outcome.reason) && now.getTime() - parked.since < grace) {
          waiting = true;
          continue;
        }
        deps.logger.warn(
          { rule: outcome.rule.id, reason: outcome.reason, position },
          'eligibility rule failed',
        );
        result.letters.push(ruleFailureLetter(outcome, { ...trigger, position }, now));
        continue;
      }
      const noticeId = noticeIdOf(outcome.rule.id, outcome.subject, outcome.triggerKey);
      if (seen.has(noticeId) || deps.store.wasIssued(noticeId)) continue;
      seen.add(noticeId);
      result.planned.push({ plan: outcome, noticeId, source: trigger });
    }
    if (waiting) result.park.push(parked);
    else result.release.push(trigger.eventId);
  }
  return result;
}

/** How long a rule failing for want of facts is evaluated again before it is dead-lettered. */
export const DEFAULT_FACTS_GRACE_MS = 60_000;
/** How long a trigger waits before its first evaluation, for the facts read on other partitions. */
export const DEFAULT_SETTLE_MS = 10_000;

/**
 * One batch of source events (or none: a sweep of the parked triggers). Each event updates the facts;
 * its trigger and every parked one are evaluated against the rules in force; a notice already issued
 * (same rule, resident and trigger) is not issued again. Then, in this order, each step acknowledged
 * (acks=all) before the next: the agency codes and portal PPIDs → one DisclosureRecorded per notice
 * (channel NOTICE) → the notices (the resident's inbox) and the rule failures (dead letters) → the
 * agencies' deliveries, in a fresh random order → the contact message → the store settled.
 * "No trail, no notice": if a trail record is not acknowledged, nothing of the batch goes out and this
 * rejects, so the caller does not commit. A failing rule for one resident never stops the batch.
 */
export async function issueNotices(
  records: readonly SourceRecord[],
  deps: NoticeDeps,
): Promise<{ issued: number; failed: number; waiting: number }> {
  const at = deps.clock.now();
  const triggers: ParkedTrigger[] = deps.store.parked();
  for (const { event, position } of records) {
    await deps.store.apply(event);
    const trigger = triggerOf(event);
    if (trigger && isLinkageId(trigger.subject)) triggers.push({ trigger, position, since: at.getTime() });
  }
  const { planned, letters, park, release } = evaluate(triggers, deps, at);

  const prepared = [];
  for (const { plan, noticeId, source } of planned) {
    if (!isLinkageId(plan.recipient)) continue;
    const [agencyCode, ppid] = await Promise.all([
      deps.codes.issueAgencyCode(plan.responsibleAgency, plan.recipient),
      deps.codes.ppidFor(SESSION_SERVICE_ID, plan.recipient),
    ]);
    const delivered = deliveredNotice(plan, noticeId, agencyCode, at);
    prepared.push({
      plan,
      noticeId,
      source,
      ppid,
      delivered,
      record: noticeDisclosure(plan, noticeId, delivered, source, at),
    });
  }
  // allSettled: nothing is in flight after a refusal.
  const results = await Promise.allSettled(prepared.map((p) => deps.recorder.record(p.record)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const positions = results.map((r) => (r as PromiseFulfilledResult<TrailPosition>).value);

  const issued = prepared.map((p, i) =>
    issuedNotice(p.plan, p.noticeId, p.ppid, positions[i] as TrailPosition, p.source, at),
  );
  await deps.publisher.append([...issued, ...letters]);
  await deps.deliveries.publish(
    deliveryOrder(
      prepared.map((p) => p.delivered),
      deps.random,
    ),
  );
  await tellResidents(
    prepared.map((p) => p.plan.recipient),
    deps,
    at,
  );
  await deps.store.settle({ issued: prepared.map((p) => p.noticeId), park, release });
  if (prepared.length > 0 || letters.length > 0)
    deps.logger.info(
      { events: records.length, issued: prepared.length, failed: letters.length, waiting: park.length },
      'notices issued',
    );
  return { issued: prepared.length, failed: letters.length, waiting: park.length };
}

/** "You have a new notice" to each resident with a contact: once the notice is durable, at most once each. */
async function tellResidents(recipients: readonly string[], deps: NoticeDeps, at: Date): Promise<void> {
  let unsent = 0;
  for (const recipient of new Set(recipients)) {
    const to = deps.contactOf(recipient);
    if (!to) continue;
    await deps.channel.send({ to, text: NOTICE_MESSAGE, at }).catch(() => {
      unsent++;
    });
  }
  if (unsent > 0) deps.logger.warn({ unsent }, 'contact messages not accepted by the channel');
}

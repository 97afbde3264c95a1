import { deliveryOrder } from '../consumers/delivery.js';
import type { NotificationPublisher } from '../consumers/notification-publisher.js';
import type { Clock } from '../core/clock.js';
import { evaluateRules, type PlannedNotice, type TriggerEvent } from '../core/eligibility/evaluate.js';
import { noticeIdOf } from '../core/eligibility/notice-id.js';
import type { EligibilityRules } from '../core/eligibility/table.js';
import type { NoticeContact } from '../core/ledger/entries.js';
import type { LegalBasisPolicy } from '../core/policy/table.js';
import { SESSION_SERVICE_ID } from '../gateway/resident/session-token.js';
import type { CodeRegistry } from '../identity/code-registry.js';
import { isLinkageId } from '../identity/linkage-id.js';
import type { Logger } from '../platform/logger.js';
import type { EventPublisher } from '../producers/publisher.js';
import type { DeadLetterRecorded, TsunagiEvent } from '../schemas/events.js';
import type { TrailPosition } from '../trail/positions.js';
import type { DisclosureRecorder } from '../trail/recorder.js';
import { NOTICE_MESSAGE, type NoticeChannel } from './contact-channel.js';
import { triggerOf } from './facts.js';
import type { FactsStore } from './facts-store.js';
import { deliveredNotice, issuedNotice, noticeDisclosure, ruleFailureLetter } from './notice-events.js';

export interface NoticeDeps {
  store: FactsStore;
  /** Read once per batch, so reloaded rules and a reloaded legal-basis table apply from the next batch. */
  rules: () => EligibilityRules;
  policy: () => LegalBasisPolicy;
  codes: Pick<CodeRegistry, 'issueAgencyCode' | 'ppidFor'>;
  recorder: Pick<DisclosureRecorder, 'record'>;
  /** The notices topic and the dead letters (acks=all). */
  publisher: Pick<EventPublisher, 'publish'>;
  /** The agencies' own topics (acks=all). */
  deliveries: Pick<NotificationPublisher, 'publish'>;
  /** The resident's contact for notices, opened from the sealed ledger. */
  contactOf: (linkageId: string) => NoticeContact | undefined;
  channel: NoticeChannel;
  clock: Clock;
  logger: Logger;
  /** Draws the delivery order (tests fix it); default: crypto.randomInt. */
  random?: (below: number) => number;
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

/**
 * One batch of source events. Each event updates the facts and is evaluated against the rules in
 * force; a notice already issued (same rule, resident and trigger) is not issued again. Then, in this
 * order, each step acknowledged (acks=all) before the next: the agency codes and portal PPIDs → one
 * DisclosureRecorded per notice (channel NOTICE) → the notices (the resident's inbox) and the rule
 * failures (dead letters) → the agencies' deliveries, in a fresh random order → the contact message.
 * "No trail, no notice": if a trail record is not acknowledged, nothing of the batch goes out and this
 * rejects, so the caller does not commit. A failing rule for one resident never stops the batch.
 */
export async function issueNotices(
  records: readonly SourceRecord[],
  deps: NoticeDeps,
): Promise<{ issued: number; failed: number }> {
  const at = deps.clock.now();
  const rules = deps.rules();
  const policy = deps.policy();
  const planned: Planned[] = [];
  const letters: DeadLetterRecorded[] = [];
  const seen = new Set<string>();
  for (const { event, position } of records) {
    await deps.store.apply(event);
    const trigger = triggerOf(event);
    if (!trigger || !isLinkageId(trigger.subject)) continue;
    for (const outcome of evaluateRules(rules, policy, trigger, deps.store.factsFor(trigger.subject))) {
      if (outcome.outcome === 'FAILED') {
        deps.logger.warn(
          { rule: outcome.rule.id, reason: outcome.reason, position },
          'eligibility rule failed',
        );
        letters.push(ruleFailureLetter(outcome, { ...trigger, position }, at));
        continue;
      }
      const noticeId = noticeIdOf(outcome.rule.id, outcome.recipient, outcome.triggerKey);
      if (seen.has(noticeId) || deps.store.wasIssued(noticeId)) continue;
      seen.add(noticeId);
      planned.push({ plan: outcome, noticeId, source: trigger });
    }
  }

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
  await deps.publisher.publish([...issued, ...letters]);
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
  await deps.store.markIssued(prepared.map((p) => p.noticeId));
  if (prepared.length > 0 || letters.length > 0)
    deps.logger.info(
      { events: records.length, issued: prepared.length, failed: letters.length },
      'notices issued',
    );
  return { issued: prepared.length, failed: letters.length };
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

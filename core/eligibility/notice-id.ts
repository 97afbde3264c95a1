import { createHash } from 'node:crypto';

/**
 * A notice's id: `en-` and 40 hex digits of SHA-256 over (rule, resident, trigger), the resident being
 * the one the triggering event is about. The same rule, resident and event (or, for a
 * once-per-resident rule, the same rule and resident) always give the same id, so a notice evaluated
 * again (after a crash, on a re-ingested event, with more of the household known) is the notice
 * already issued. A hash, so the id reveals neither the resident nor the event.
 */
export function noticeIdOf(ruleId: string, linkageId: string, triggerKey: string): string {
  const digest = createHash('sha256').update([ruleId, linkageId, triggerKey].join('\u0000')).digest('hex');
  return `en-${digest.slice(0, 40)}`;
}

import { randomInt } from 'node:crypto';
import { legalDateOf } from '../core/policy/index.js';
import type { AgencyNotified } from '../schemas/events.js';

/**
 * 00:00 JST of the day `at` falls on. Notifications carry this instead of any instant of their
 * own (envelope times, Kafka record timestamp): every notification delivered on one day carries
 * the same value, on every agency's topic, so the value cannot pair one agency's notification
 * with another's. The trail keeps the exact instant.
 */
export const deliveryDay = (at: Date): Date => new Date(`${legalDateOf(at)}T00:00:00+09:00`);

/**
 * The order in which a delivery round's notifications are written: uniformly random, drawn anew
 * for every round from a cryptographic source, except that one recipient's notifications about
 * one resident (same agency code) keep their relative order, so an agency still applies one
 * resident's changes in sequence. Two agencies' topics thus list a round's residents in
 * independent orders: the k-th record of one says nothing about the k-th of the other.
 */
export function deliveryOrder<T extends { data: Pick<AgencyNotified['data'], 'recipient' | 'agencyCode'> }>(
  notifications: readonly T[],
  random: (below: number) => number = randomInt,
): T[] {
  const slots = notifications.map((_, i) => i);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [slots[i], slots[j]] = [slots[j] as number, slots[i] as number];
  }
  // Each resident's notifications take the slots their group drew, in their original order.
  const groups = new Map<string, number[]>();
  notifications.forEach((n, i) => {
    const key = `${n.data.recipient}\u0000${n.data.agencyCode}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const ordered: T[] = new Array(notifications.length);
  for (const members of groups.values()) {
    const drawn = members.map((i) => slots[i] as number).sort((a, b) => a - b);
    members.forEach((i, k) => {
      ordered[drawn[k] as number] = notifications[i] as T;
    });
  }
  return ordered;
}

import { mkdirSync } from 'node:fs';
import { open, type RootDatabase } from 'lmdb';
import type { EvaluationFacts, TriggerEvent } from '../core/eligibility/evaluate.js';
import { TsunagiError } from '../core/errors.js';
import type { TsunagiEvent } from '../schemas/events.js';
import {
  evolveIncome,
  evolveResidentState,
  type IncomeState,
  type ResidentState,
  residentFacts,
} from './facts.js';

/**
 * The notices service's own state, in lmdb: each resident's state (household, birth date, status,
 * municipality; no name, no address), each household's members, each resident's latest income, and
 * the notices already issued. Applying an event twice changes nothing (sequences, fiscal years), so
 * the service may apply a batch again after a crash. One writer process.
 */
export interface FactsStore {
  /** Applies a source event; resolves once written. */
  apply(event: TsunagiEvent): Promise<void>;
  /** The subject's facts and its household's, as the rules see them. */
  factsFor(linkageId: string): EvaluationFacts;
  wasIssued(noticeId: string): boolean;
  /** Triggers waiting for facts (a rule failed for want of them): evaluated again on every batch. */
  parked(): ParkedTrigger[];
  /** After a batch: its notices marked issued, triggers parked or released, in one transaction. */
  settle(outcome: {
    issued: readonly string[];
    park: readonly ParkedTrigger[];
    release: readonly string[];
  }): Promise<void>;
  close(): Promise<void>;
}

/** A trigger evaluated again until its facts arrive or `since` is too long ago. */
export interface ParkedTrigger {
  trigger: TriggerEvent;
  position: string;
  /** Epoch ms when it was first evaluated. */
  since: number;
}

export function openFactsStore(path: string): FactsStore {
  let root: RootDatabase;
  try {
    mkdirSync(path, { recursive: true });
    root = open({ path, maxDbs: 8 });
  } catch (cause) {
    throw new TsunagiError('STORE_UNAVAILABLE', 'the notices store could not be opened', { cause, path });
  }
  const residents = root.openDB<ResidentState, string>({ name: 'residents' });
  const members = root.openDB<true, string>({ name: 'household-members' });
  const incomes = root.openDB<IncomeState, string>({ name: 'incomes' });
  const issued = root.openDB<true, string>({ name: 'issued' });
  const pending = root.openDB<ParkedTrigger, string>({ name: 'parked-triggers' });
  const write = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (cause) {
      throw new TsunagiError('STORE_UNAVAILABLE', `notices store write failed: ${what}`, { cause });
    }
  };
  const memberKey = (householdId: string, linkageId: string) => `${householdId}\u0000${linkageId}`;

  const facts = (linkageId: string) => {
    const state = residents.get(linkageId);
    return state ? residentFacts(linkageId, state, incomes.get(linkageId)) : undefined;
  };

  return {
    async apply(event) {
      if (event.type === 'ResidentRecordChanged') {
        const { linkageId } = event.data;
        const before = residents.get(linkageId);
        const next = evolveResidentState(before, event);
        if (!next) return;
        await write('resident', () =>
          root.transaction(() => {
            if (before && before.householdId !== next.householdId)
              members.remove(memberKey(before.householdId, linkageId));
            members.put(memberKey(next.householdId, linkageId), true);
            residents.put(linkageId, next);
          }),
        );
      } else if (event.type === 'InformationItemPublished' || event.type === 'InformationItemWithdrawn') {
        const { linkageId } = event.data;
        const next = evolveIncome(incomes.get(linkageId), event);
        if (next === undefined) return;
        await write('income', () =>
          next === null ? incomes.remove(linkageId) : incomes.put(linkageId, next),
        );
      }
    },
    factsFor(linkageId) {
      const subject = facts(linkageId);
      if (!subject) return { subject: undefined, household: [] };
      const prefix = `${subject.householdId}\u0000`;
      const household = [...members.getKeys({ start: prefix, end: `${prefix}\uffff` })]
        .map((key) => facts(key.slice(prefix.length)))
        .filter((f) => f !== undefined);
      return { subject, household };
    },
    wasIssued: (noticeId) => issued.get(noticeId) === true,
    parked: () => [...pending.getRange()].map(({ value }) => value),
    async settle({ issued: noticeIds, park, release }) {
      if (noticeIds.length + park.length + release.length === 0) return;
      await write('settle', () =>
        root.transaction(() => {
          for (const id of noticeIds) issued.put(id, true);
          for (const id of release) pending.remove(id);
          for (const parked of park) pending.put(parked.trigger.eventId, parked);
        }),
      );
    },
    close: () => root.close(),
  };
}

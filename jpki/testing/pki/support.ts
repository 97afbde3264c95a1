import type { Clock } from '../../../core/clock.js';
import { createLogger } from '../../../platform/logger.js';
import type { RevocationAnswer, RevocationChecker } from '../../revocation.js';

/** Helpers for the JPKI tests and demos. */
export const silentLogger = () => createLogger({ level: 'silent' });

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(at: Date): void;
}

export function manualClock(start: Date): ManualClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
    set: (at) => {
      current = at.getTime();
    },
  };
}

/** A revocation checker that always gives the same answer. */
export const answering = (answer: RevocationAnswer): RevocationChecker => ({ check: async () => answer });

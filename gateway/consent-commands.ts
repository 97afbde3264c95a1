import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { handleCommand } from '../core/command.js';
import { type GrantConsentBody, toGrantCommand } from '../core/consent/api-schemas.js';
import {
  CONSENT_CHECK_REFUSALS,
  type ConsentCheck,
  type ConsentCheckRefusal,
} from '../core/consent/check.js';
import { type ConsentCommand, type ConsentRefusal, consentDecider } from '../core/consent/decider.js';
import { CONSENT_START_TOLERANCE_MS, MAX_CONSENT_PERIOD_MS } from '../core/consent/limits.js';
import type { Consent, RevocationReason } from '../core/consent/types.js';
import { type ErrorCode, TsunagiError } from '../core/errors.js';
import type { EventStore } from '../platform/event-store.js';
import type { MemoryView } from '../platform/memory-view.js';
import { consentKey, consentsOf } from '../projections/consents.js';
import { createConsentStore } from './consent-store.js';
import type { ConsentUse } from './ports.js';

/**
 * The consent commands of the gateway, without HTTP: each goes through `handleCommand` (fold,
 * decide, append with acks=all, new state). The routes (agency portal and signed-in resident) and
 * the disclosure service call these; none of them decides anything about consents itself.
 */
export interface ConsentCommandsDeps {
  /** The consents view (projections/consents.ts) in memory, kept current from the topic. */
  view: MemoryView<Consent>;
  /** Appends to the consents topic (acks=all). */
  store: Pick<EventStore, 'append'>;
  clock: Clock;
  ids: () => string;
}

const DAYS = Math.round(MAX_CONSENT_PERIOD_MS / 86_400_000);
const MINUTES = Math.round(CONSENT_START_TOLERANCE_MS / 60_000);

/** How a grant refusal is answered: the stable code, the field, and what was wrong. */
const GRANT_REFUSALS: Partial<Record<ConsentRefusal, { code: ErrorCode; path: string; message: string }>> = {
  VALID_FROM_IN_PAST: {
    code: 'CONSENT_BACKDATED',
    path: 'body.validFrom',
    message: `validFrom lies in the past: a consent starts now or later (${MINUTES} minutes of clock skew tolerated)`,
  },
  VALID_FROM_TOO_LATE: {
    code: 'CONSENT_PERIOD_INVALID',
    path: 'body.validFrom',
    message: `validFrom lies more than ${DAYS} days ahead`,
  },
  PERIOD_TOO_LONG: {
    code: 'CONSENT_PERIOD_INVALID',
    path: 'body.validUntil',
    message: `a consent lasts at most ${DAYS} days`,
  },
  PERIOD_INVALID: {
    code: 'CONSENT_PERIOD_INVALID',
    path: 'body.validUntil',
    message: 'validUntil must be after validFrom and after now',
  },
  CONSENT_ALREADY_EXISTS: {
    code: 'CONSENT_CONFLICT',
    path: 'headers.idempotency-key',
    message: 'this Idempotency-Key already recorded a different consent',
  },
};

const isCheckRefusal = (reason: ConsentRefusal): reason is ConsentCheckRefusal =>
  (CONSENT_CHECK_REFUSALS as readonly string[]).includes(reason);

const refusalError = (reason: ConsentRefusal): TsunagiError => {
  const known = GRANT_REFUSALS[reason];
  return known
    ? new TsunagiError(known.code, known.message, { path: known.path })
    : new TsunagiError('INPUT_INVALID', `consent refused: ${reason}`, { path: 'body' });
};

/**
 * With a client's idempotency key the consent id is derived from (channel, resident, key), so a
 * retried grant names the same consent and the decider makes it a no-op; without one it is random.
 * The id is a one-way hash: it reveals neither the linkage id nor the key.
 */
export const consentIdFor = (channel: string, linkageId: string, key: string): string =>
  `c-${createHash('sha256').update(`consent\0${channel}\0${linkageId}\0${key}`).digest('base64url').slice(0, 32)}`;

export function createConsentCommands(deps: ConsentCommandsDeps) {
  const streams = createConsentStore(deps);
  const run = (command: ConsentCommand, correlationId: string) =>
    handleCommand(streams.forResident(command.linkageId), consentDecider, command, {
      at: command.at,
      correlationId,
    });

  return {
    /** Records a grant; `replayed` when the same grant (same idempotency key) was already recorded. */
    async grant(input: {
      linkageId: string;
      body: GrantConsentBody;
      /** Who recorded it for the resident: `resident-session` or the portal agency's id. */
      channel: string;
      idempotencyKey?: string | undefined;
      correlationId: string;
    }): Promise<{ consent: Consent; replayed: boolean }> {
      const { linkageId, channel, idempotencyKey } = input;
      const consentId = idempotencyKey ? consentIdFor(channel, linkageId, idempotencyKey) : deps.ids();
      const at = deps.clock.now();
      const command = toGrantCommand(input.body, { consentId, linkageId, at, channel });
      const result = await run(command, input.correlationId);
      if (!result.ok) throw refusalError(result.reason);
      if (result.state === null) throw new TsunagiError('INTERNAL', 'a granted consent has no state');
      return { consent: result.state, replayed: result.events.length === 0 };
    },

    /** Revokes a consent `visible` lets the caller see; any other is answered as not found. */
    async revoke(input: {
      linkageId: string;
      consentId: string;
      reason: RevocationReason;
      visible: (consent: Consent) => boolean;
      correlationId: string;
    }): Promise<Consent> {
      const known = deps.view.get(consentKey(input.linkageId, input.consentId));
      const notFound = new TsunagiError('NOT_FOUND', 'no such consent', { path: 'consentId' });
      if (known === undefined || !input.visible(known)) throw notFound;
      const { linkageId, consentId, reason } = input;
      const command: ConsentCommand = {
        type: 'RevokeConsent',
        at: deps.clock.now(),
        consentId,
        linkageId,
        reason,
      };
      const result = await run(command, input.correlationId);
      if (!result.ok || result.state === null) throw notFound;
      return result.state;
    },

    /** The resident's consents the caller may see, newest first. */
    list(linkageId: string, visible: (consent: Consent) => boolean = () => true): Promise<Consent[]> {
      return Promise.resolve(consentsOf(deps.view, linkageId).filter(visible).reverse());
    },

    /**
     * Counts one use of a consent for a disclosed item (ConsentUsed, acks=all) before the answer
     * leaves; refused when the consent no longer covers it, e.g. USES_EXHAUSTED by a concurrent use.
     */
    async use(input: ConsentUse): Promise<ConsentCheck> {
      const { correlationId, ...use } = input;
      const result = await run({ type: 'UseConsent', ...use }, correlationId);
      if (result.ok) return { ok: true, consentId: input.consentId };
      const reason = result.reason;
      return isCheckRefusal(reason) ? { ok: false, reason } : { ok: false, reason: 'NO_CONSENT' };
    },
  };
}
export type ConsentCommands = ReturnType<typeof createConsentCommands>;

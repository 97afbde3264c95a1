import { createHmac } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { TsunagiError } from '../core/errors.js';
import type { Logger } from '../platform/logger.js';
import { EventSchemas, type SecurityEventRecorded } from '../schemas/events.js';
import type { SecurityFact } from './security-events.js';

/** Where security events are appended: one small port (the event store's append, security-event-log.ts). */
export interface SecurityEventLog {
  append(events: readonly SecurityEventRecorded[]): Promise<void>;
  close(): Promise<void>;
}

/** Off the hot path: `record` never waits, never throws, never grows memory beyond `capacity`. */
export interface SecurityAudit {
  record(fact: SecurityFact): void;
  /** Appends what is queued now (tests, shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface SecurityAuditDeps {
  log: SecurityEventLog;
  clock: Clock;
  ids: () => string;
  logger: Logger;
  /** Key of the client-address hash (HMAC-SHA-256); at least 32 bytes. */
  addressKey: Uint8Array;
  metrics: {
    recorded: { inc(labels: { kind: string }, value?: number): void };
    dropped: { inc(labels: { reason: 'queue_full' | 'invalid' | 'closed' }, value?: number): void };
  };
  /** Events held at most; past it new ones are dropped and counted. Default 10 000. */
  capacity?: number;
  /** Events per append. Default 200. */
  batchSize?: number;
  /** How long events are collected before an append. Default 200 ms. */
  lingerMs?: number;
  /** First wait after a failed append, doubled up to 30 s. Default 1 s. */
  retryMs?: number;
}

/** The keyed hash of a client address: links one address's events without storing the address. */
export function clientAddressHash(key: Uint8Array, address: string): Uint8Array {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return createHmac('sha256', key).update(plain.toLowerCase()).digest().subarray(0, 16);
}

/**
 * Guarantees: events are appended in the order recorded; a failed append is retried (with backoff)
 * before anything queued after it; when `capacity` events are waiting, new ones are dropped and
 * counted (`dropped{reason="queue_full"}`) rather than blocking a refusal or exhausting memory; an
 * event that fails its schema is dropped and counted alone, never poisoning a batch. At most once:
 * events still queued when the process dies are lost (the metric is the record of that).
 */
export function createSecurityAudit(deps: SecurityAuditDeps): SecurityAudit {
  if (deps.addressKey.length < 32)
    throw new TsunagiError('CONFIG_INVALID', 'the audit address key must hold at least 32 bytes', {
      path: 'GATEWAY_AUDIT_ADDRESS_KEY',
    });
  const logger = deps.logger.child({ component: 'security-audit' });
  const capacity = deps.capacity ?? 10_000;
  const batchSize = deps.batchSize ?? 200;
  const lingerMs = deps.lingerMs ?? 200;
  const firstRetryMs = deps.retryMs ?? 1_000;
  let queue: SecurityEventRecorded[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let retryMs = firstRetryMs;
  let closed = false;

  const schedule = (ms: number) => {
    if (timer === undefined && !closed) timer = setTimeout(() => void drain(), ms).unref();
  };

  async function appendOnce(): Promise<boolean> {
    const batch = queue.slice(0, batchSize);
    const valid = batch.filter((event) => {
      const checked = EventSchemas.SecurityEventRecorded.safeParse(event);
      if (checked.success) return true;
      // The path only: a bad event is our bug, and its values are not for the log.
      logger.error(
        { path: checked.error.issues[0]?.path.join('.'), kind: event.data.kind },
        'invalid security event dropped',
      );
      deps.metrics.dropped.inc({ reason: 'invalid' });
      return false;
    });
    queue = [...valid, ...queue.slice(batch.length)];
    try {
      if (valid.length > 0) await deps.log.append(valid);
    } catch (error) {
      logger.warn(
        { events: valid.length, err: { message: String(error) }, retryMs },
        'security events not appended',
      );
      return false;
    }
    queue = queue.slice(valid.length);
    for (const event of valid) deps.metrics.recorded.inc({ kind: event.data.kind });
    return true;
  }

  async function appendQueued(): Promise<void> {
    while (queue.length > 0) {
      if (!(await appendOnce())) {
        schedule(retryMs);
        retryMs = Math.min(retryMs * 2, 30_000);
        return;
      }
      retryMs = firstRetryMs;
    }
  }

  /** One append loop at a time; `running` is cleared only after it was set (hence `.finally`). */
  function drain(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    running ??= appendQueued().finally(() => {
      running = undefined;
    });
    return running;
  }

  async function flush(): Promise<void> {
    await running;
    await drain();
  }

  return {
    flush,
    record(fact) {
      if (closed || queue.length >= capacity) {
        deps.metrics.dropped.inc({ reason: closed ? 'closed' : 'queue_full' });
        return;
      }
      const { clientAddress, correlationId, ...data } = fact;
      const at = deps.clock.now();
      queue.push({
        type: 'SecurityEventRecorded',
        envelope: { eventId: deps.ids(), occurredAt: at, recordedAt: at, producer: 'gateway', correlationId },
        data: {
          ...data,
          clientAddressHash:
            clientAddress === null ? null : clientAddressHash(deps.addressKey, clientAddress),
        },
      });
      schedule(lingerMs);
    },
    async close() {
      await flush().catch(() => undefined);
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (queue.length > 0) deps.metrics.dropped.inc({ reason: 'closed' }, queue.length);
      queue = [];
      await deps.log.close();
    },
  };
}

import { createHash } from 'node:crypto';
import { currentVersion, subjectOf } from '../codec.js';
import { type EventEnvelope, type EventOf, type EventType, eventToJson } from '../events.js';
import { SAMPLE_EVENTS } from './samples.js';

type Leaf = Date | Uint8Array | bigint | readonly unknown[];
export type DeepPartial<T> = T extends Leaf
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export interface EventOverrides<T extends EventType> {
  envelope?: Partial<EventEnvelope>;
  data?: DeepPartial<EventOf<T>['data']>;
}

const isPlain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

function merge(base: unknown, over: unknown, key = ''): unknown {
  // An item's payload is a union by item kind: replaced, never merged into another kind's fields.
  if (!isPlain(base) || !isPlain(over) || key === 'payload') return over === undefined ? base : over;
  const merged: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(over)) merged[name] = merge(base[name], value, name);
  return merged;
}

/**
 * THE fixture builder of Tsunagi's tests: an event of `type` built from its schema sample (the
 * current version in schemas/testing/samples.ts), with `data` merged in deeply (arrays, dates, bytes,
 * bigints and an item's `payload` replaced) and `envelope` fields replaced. Without an `eventId`, the
 * id is derived from the type and the data, so the same fact gets the same id and different facts
 * different ones. Fictional data only; no My Number anywhere.
 */
export function anEvent<T extends EventType>(type: T, overrides: EventOverrides<T> = {}): EventOf<T> {
  const sample = SAMPLE_EVENTS[subjectOf(type)]?.[currentVersion(type)];
  if (!sample) throw new Error(`no sample event for ${type}`);
  const base = structuredClone(sample) as EventOf<T>;
  const data = merge(base.data, overrides.data) as EventOf<T>['data'];
  const fact = JSON.stringify(eventToJson({ ...base, data } as EventOf<T>));
  const eventId = `${type}-${createHash('sha256').update(fact).digest('hex').slice(0, 20)}`;
  return { type, envelope: { ...base.envelope, eventId, ...overrides.envelope }, data } as EventOf<T>;
}

import type { EventWire } from '../platform/event-wire.js';

/**
 * A projection folds the events of some topics into named tables of a local store. `apply` is the
 * projection's evolve: it reads the current rows through `tx` and writes the new ones, with no other
 * I/O, so applying the same record twice (or replaying from offset zero) gives the same store.
 * The runner calls it inside one store transaction together with the consumed offsets.
 */
export interface Projection<E = unknown> {
  /** Also the store's folder name and the consumer group suffix. */
  readonly name: string;
  /** Full topic names (prefix included); tests pass their own. */
  readonly topics: readonly string[];
  /** Named tables this projection writes (besides the runner's own `offsets`, `sequences`, `gaps`, `rejects`). */
  readonly tables: readonly string[];
  /** Bytes → event for records that are not domain events; default: `wire.decode`. */
  readonly decode?: (bytes: Buffer, wire: EventWire) => Promise<E> | E;
  apply(event: E, tx: StoreTx, at: RecordPosition): ApplyOutcome;
}

/** Where a record sits in the log; the trail index keeps it as the entry's trail position. */
export interface RecordPosition {
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string (kafkajs gives strings; offsets can exceed 2^53 in theory). */
  offset: string;
}

export type ApplyOutcome =
  | { outcome: 'applied' }
  /** Sequence at or below the last applied one: ignored. */
  | { outcome: 'duplicate' }
  /** An event type this projection does not fold (e.g. a DeadLetterRecorded on a shared topic). */
  | { outcome: 'ignored' }
  /** Applied although earlier sequence numbers were missing; the runner records the gap. */
  | { outcome: 'gap'; gap: SequenceGap };

export interface SequenceGap {
  /** `resident/<linkageId>` or `item/<linkageId>/<provider>`: personal, kept in the store only. */
  stream: string;
  expected: number;
  got: number;
}

/** The small read/write interface a projection sees: tables of string keys, structured values. */
export interface StoreTx {
  get<T>(table: string, key: string): T | undefined;
  put(table: string, key: string, value: unknown): void;
  remove(table: string, key: string): void;
  /** Entries whose key starts with `prefix`, in key order (or reverse), at most `limit`. */
  range<T>(table: string, options: RangeQuery): Array<{ key: string; value: T }>;
}

export interface RangeQuery {
  prefix: string;
  reverse?: boolean;
  limit?: number;
  /** Exclusive cursor: with `reverse`, only keys below it; otherwise only keys above it. */
  startAfter?: string;
}

/** Keys are `/`-joined parts; ids in Tsunagi never contain `/`. */
export const key = (...parts: Array<string | number>): string => parts.join('/');

/** Zero-padded decimal so string order is numeric order (offsets, sequences). */
export const ordinal = (value: string | number | bigint, width = 20): string =>
  String(value).padStart(width, '0');

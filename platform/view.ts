import type { ErrorCode } from '../core/errors.js';
import type { TsunagiEvent } from '../schemas/events.js';
import type { TopicRef } from '../schemas/topics.js';
import type { EventWire } from './event-wire.js';
import type { LogPosition } from './positions.js';

/**
 * One view of the log, in emmett's projection shape: which topics it reads, which row an event
 * changes (`keyOf`), and the row after it (`evolve`). Both are pure: applying the same events again,
 * or replaying them from offset zero, gives the same rows. The same definition runs in the projector
 * (lmdb, exactly once: rows and offsets in one transaction, projections/lmdb-runner.ts) and in memory
 * (platform/memory-view.ts), so a view is never folded twice in two ways.
 */
export interface ViewDefinition<Row = unknown, E = TsunagiEvent> {
  /** The store's folder name; a view's rows never change shape under the same `version`. */
  readonly name: string;
  /** Bumped when rows change shape: a store of another version is rebuilt from offset zero. */
  readonly version: number;
  readonly topics: readonly TopicRef[];
  /** Bytes → event, for topics whose records are not domain events; default the event wire. */
  readonly decode?: (value: Buffer, wire: EventWire) => Promise<E>;
  /** The row an event changes; undefined when the view does not fold this event. */
  keyOf(event: E, at: LogPosition): string | undefined;
  /** The row after the event: the same object when the event changes nothing. */
  evolve(row: Row | undefined, event: E, at: LogPosition): Row | undefined;
  /** How a re-delivered event is recognised before `evolve` (docs/projections.md). */
  readonly once?: OnceRule<E>;
}

/**
 * `sequence`: per-stream sequence numbers (a number at or below the last applied is a duplicate, one
 * beyond last + 1 a gap: applied and listed); `event-id`: an event id already applied is a duplicate.
 * Without a rule, `evolve` itself must make a repeated event change nothing.
 */
export type OnceRule<E> =
  | { by: 'sequence'; streamOf(event: E): { stream: string; sequence: number } | undefined }
  | { by: 'event-id'; idOf(event: E): string };

/** Reads of one view's rows: lmdb (the projector's stores) or memory. */
export interface ViewReader<Row> {
  get(key: string): Row | undefined;
  /** Rows whose key starts with `prefix`, in key order (or reverse), at most `limit`. */
  range(query: RangeQuery): Array<{ key: string; value: Row }>;
}

export interface RangeQuery {
  prefix: string;
  reverse?: boolean;
  limit?: number;
  /** Exclusive cursor: with `reverse`, only keys below it; otherwise only keys above it. */
  startAfter?: string;
}

/** The small read/write interface of a view store's tables: string keys, structured values. */
export interface StoreTx {
  get<T>(table: string, key: string): T | undefined;
  put(table: string, key: string, value: unknown): void;
  remove(table: string, key: string): void;
  range<T>(table: string, options: RangeQuery): Array<{ key: string; value: T }>;
}

/** The tables of every view store: its rows, and what the runner keeps beside them. */
export const ROWS = 'rows';
export const OFFSETS = 'offsets';
export const SEQUENCES = 'sequences';
export const SEEN = 'seen';
export const GAPS = 'gaps';
export const REJECTS = 'rejects';
export const VIEW_TABLES = [ROWS, OFFSETS, SEQUENCES, SEEN, GAPS, REJECTS] as const;

/** A view's rows through any store's tables. */
export const rowsOf = <Row>(tables: Pick<StoreTx, 'get' | 'range'>): ViewReader<Row> => ({
  get: (k) => tables.get<Row>(ROWS, k),
  range: (query) => tables.range<Row>(ROWS, query),
});

/** Keys are `/`-joined parts; ids in Tsunagi never contain `/`. */
export const key = (...parts: Array<string | number>): string => parts.join('/');

/** Zero-padded decimal so string order is numeric order (offsets, sequences). */
export const ordinal = (value: string | number | bigint, width = 20): string =>
  String(value).padStart(width, '0');

/** A record a view was handed: decoded, a tombstone, or refused by the decoder. */
export type ViewRecord<E> = { position: LogPosition } & (
  | { kind: 'event'; event: E }
  | { kind: 'tombstone' }
  | { kind: 'rejected'; code: ErrorCode }
);

import type { ClickHouseClient } from '@clickhouse/client';
import { TsunagiError } from '../core/errors.js';
import type { Fact, FactTable } from './facts.js';

/** The sink's ClickHouse edge: which ids are already in, grants of revoked consents, inserts. */
export interface FactWriter {
  /** Event ids of `ids` already in `table` (looked up in the days they fall on: the key's prefix). */
  existingIds(table: FactTable, days: readonly string[], ids: readonly string[]): Promise<Set<string>>;
  /** Recipient and purpose of the grants with these consent references. */
  grants(refs: readonly string[]): Promise<Map<string, { recipient: string; purpose: string }>>;
  /** Resolves once ClickHouse acknowledged the insert (one INSERT per table). */
  insert(table: FactTable, rows: ReadonlyArray<Fact['row']>): Promise<void>;
}

/** A string literal for ClickHouse SQL (both 18.16 and current escape the same way). */
export const sqlString = (value: string): string =>
  `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
const list = (values: readonly string[]) => values.map(sqlString).join(', ');

/** The duplicate check: ids of the batch already stored (the days narrow it to the key's prefix). */
export const existingIdsSql = (
  database: string,
  table: FactTable,
  days: readonly string[],
  ids: readonly string[],
) => `SELECT event_id FROM ${database}.${table} WHERE day IN (${list(days)}) AND event_id IN (${list(ids)})`;

/** Recipient and purpose of granted consents, by consent reference. */
export const grantsSql = (database: string, refs: readonly string[]) =>
  `SELECT consent_ref, any(recipient) AS recipient, any(purpose) AS purpose FROM ${database}.consent_facts WHERE state = 'GRANTED' AND consent_ref IN (${list(refs)}) GROUP BY consent_ref`;

function unavailable(what: string, cause: unknown): TsunagiError {
  return new TsunagiError('ANALYTICS_UNAVAILABLE', `ClickHouse ${what} failed`, { cause });
}

export function clickhouseFactWriter(client: ClickHouseClient, database: string): FactWriter {
  const rows = async <T>(query: string, what: string): Promise<T[]> => {
    try {
      return await (await client.query({ query, format: 'JSONEachRow' })).json<T>();
    } catch (cause) {
      throw unavailable(what, cause);
    }
  };
  return {
    async existingIds(table, days, ids) {
      if (ids.length === 0) return new Set();
      const found = await rows<{ event_id: string }>(
        existingIdsSql(database, table, days, ids),
        'duplicate check',
      );
      return new Set(found.map((r) => r.event_id));
    },
    async grants(refs) {
      if (refs.length === 0) return new Map();
      const found = await rows<{ consent_ref: string; recipient: string; purpose: string }>(
        grantsSql(database, refs),
        'grant lookup',
      );
      return new Map(found.map((r) => [r.consent_ref, { recipient: r.recipient, purpose: r.purpose }]));
    },
    async insert(table, values) {
      if (values.length === 0) return;
      try {
        await client.insert({
          table: `${database}.${table}`,
          values: values as Fact['row'][],
          format: 'JSONEachRow',
        });
      } catch (cause) {
        throw unavailable(`insert into ${table}`, cause);
      }
    },
  };
}

import type { ClickHouseClient } from '@clickhouse/client';
import { TsunagiError } from '../core/errors.js';
import type { Fact, FactTable } from './facts.js';

/** The sink's ClickHouse edge: grants of revoked consents, and inserts that skip stored event ids. */
export interface FactWriter {
  /** Recipient and purpose of the grants with these consent references. */
  grants(refs: readonly string[]): Promise<Map<string, { recipient: string; purpose: string }>>;
  /**
   * Inserts the rows whose event id is not yet in `table`; resolves once ClickHouse acknowledged.
   * Rows must have distinct ids. Not safe for two concurrent calls (one session, one staging table).
   */
  insertNew(
    table: FactTable,
    rows: ReadonlyArray<Fact['row']>,
  ): Promise<{ inserted: number; duplicates: number }>;
}

/** A string literal for ClickHouse SQL (both 18.16 and current escape the same way). */
export const sqlString = (value: string): string =>
  `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
const list = (values: readonly string[]) => values.map(sqlString).join(', ');

/** Recipient and purpose of granted consents, by consent reference. */
export const grantsSql = (database: string, refs: readonly string[]) =>
  `SELECT consent_ref, any(recipient) AS recipient, any(purpose) AS purpose FROM ${database}.consent_facts WHERE state = 'GRANTED' AND consent_ref IN (${list(refs)}) GROUP BY consent_ref`;

/**
 * The staging steps, in order, for one batch of `table`: the batch is first inserted into a
 * session's temporary Memory table, then the ids already stored are read (looking only at the
 * batch's days, the key's prefix), then the rest is copied server-side (rollup views fire on it).
 */
export const stagingSql = (database: string, table: FactTable) => {
  const staging = `staging_${table}`;
  const stored = `SELECT event_id FROM ${database}.${table} WHERE day IN (SELECT DISTINCT day FROM ${staging})`;
  return {
    staging,
    create: `CREATE TEMPORARY TABLE IF NOT EXISTS ${staging} AS ${database}.${table} ENGINE = Memory`,
    clear: `TRUNCATE TABLE ${staging}`,
    existing: `SELECT event_id FROM ${staging} WHERE event_id IN (${stored})`,
    copyAll: `INSERT INTO ${database}.${table} SELECT * FROM ${staging}`,
    copyNew: (existing: readonly string[]) =>
      `INSERT INTO ${database}.${table} SELECT * FROM ${staging} WHERE event_id NOT IN (${list(existing)})`,
  };
};

function unavailable(what: string, cause: unknown): TsunagiError {
  return new TsunagiError('ANALYTICS_UNAVAILABLE', `ClickHouse ${what} failed`, { cause });
}

/** `client` must have its own session (createClickhouse `sessionId`): the staging tables live in it. */
export function clickhouseFactWriter(client: ClickHouseClient, database: string): FactWriter {
  const rows = async <T>(query: string, what: string): Promise<T[]> => {
    try {
      return await (await client.query({ query, format: 'JSONEachRow' })).json<T>();
    } catch (cause) {
      throw unavailable(what, cause);
    }
  };
  const run = async (query: string, what: string) => {
    try {
      await client.command({ query });
    } catch (cause) {
      throw unavailable(what, cause);
    }
  };
  return {
    async grants(refs) {
      if (refs.length === 0) return new Map();
      const found = await rows<{ consent_ref: string; recipient: string; purpose: string }>(
        grantsSql(database, refs),
        'grant lookup',
      );
      return new Map(found.map((r) => [r.consent_ref, { recipient: r.recipient, purpose: r.purpose }]));
    },
    async insertNew(table, values) {
      if (values.length === 0) return { inserted: 0, duplicates: 0 };
      const sql = stagingSql(database, table);
      // The session (and its temporary table) may have expired since the last batch: create it again.
      await run(sql.create, 'staging table');
      await run(sql.clear, 'staging table');
      try {
        await client.insert({ table: sql.staging, values: values as Fact['row'][], format: 'JSONEachRow' });
      } catch (cause) {
        throw unavailable(`insert into ${table}`, cause);
      }
      const existing = (await rows<{ event_id: string }>(sql.existing, 'duplicate check')).map(
        (r) => r.event_id,
      );
      await run(existing.length === 0 ? sql.copyAll : sql.copyNew(existing), `insert into ${table}`);
      await run(sql.clear, 'staging table');
      return { inserted: values.length - existing.length, duplicates: existing.length };
    },
  };
}

/**
 * The analytics schema, written in the SQL that both Debian's ClickHouse 18.16 and current releases
 * accept (no LowCardinality, DateTime64, SimpleAggregateFunction or query parameters); a test runs
 * it on a current engine too (chdb). Statements are idempotent (`IF NOT EXISTS`), except the
 * suppressed report views, which provisioning drops and recreates so a changed k takes effect.
 *
 * Two databases: `<db>` holds the raw facts, the rollups and the suppressed `report_*` views, readable
 * by the facts reader only; `<db>_reports` (the analyst's) holds one Distributed proxy per report view.
 */
export interface AnalyticsDatabases {
  /** Raw facts, rollups, suppressed views. */
  facts: string;
  /** The analyst's: proxies of the suppressed views, nothing else. */
  reports: string;
}

export const analyticsDatabases = (database: string): AnalyticsDatabases => ({
  facts: database,
  reports: `${database}_reports`,
});

/** The cluster (server config) through which the analyst's proxies read, as the facts reader. */
export const REPORTS_CLUSTER = 'tsunagi_reports';

const merge = 'ReplacingMergeTree() PARTITION BY toYYYYMM(day) ORDER BY (day, event_id)';

/** Raw facts: one row per event id (ReplacingMergeTree keyed by it; read them with FINAL). */
export const factTablesSql = (db: string): string[] => [
  `CREATE TABLE IF NOT EXISTS ${db}.trail_facts (
    event_id String, at DateTime('UTC'), day Date, requester String, office_work String,
    provider String, item String, outcome String, refusal_reason String, channel String,
    latency_ms UInt32, requester_municipality String, provider_municipality String
  ) ENGINE = ${merge}`,
  `CREATE TABLE IF NOT EXISTS ${db}.record_change_facts (
    event_id String, at DateTime('UTC'), day Date, change_type String, municipality String
  ) ENGINE = ${merge}`,
  `CREATE TABLE IF NOT EXISTS ${db}.consent_facts (
    event_id String, at DateTime('UTC'), day Date, consent_ref String, state String,
    recipient String, purpose String
  ) ENGINE = ${merge}`,
  `CREATE TABLE IF NOT EXISTS ${db}.ingest_facts (
    event_id String, at DateTime('UTC'), day Date, system String, file String, rows_read UInt64,
    rows_published UInt64, rows_dead_lettered UInt64, rows_skipped UInt64, duration_ms UInt64
  ) ENGINE = ${merge}`,
];

/**
 * Rollups, filled by materialized views as the sink inserts. They count each inserted row once, so
 * they rely on the sink inserting each event id once (it skips ids already present); see docs/analytics.md.
 */
export const rollupSql = (db: string): string[] => [
  `CREATE TABLE IF NOT EXISTS ${db}.trail_daily (
    day Date, requester String, office_work String, provider String, outcome String,
    accesses AggregateFunction(count), latency AggregateFunction(quantiles(0.5, 0.95), UInt32)
  ) ENGINE = AggregatingMergeTree() PARTITION BY toYYYYMM(day)
    ORDER BY (day, requester, office_work, provider, outcome)`,
  `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.trail_daily_mv TO ${db}.trail_daily AS
    SELECT day, requester, office_work, provider, outcome,
      countState() AS accesses, quantilesState(0.5, 0.95)(latency_ms) AS latency
    FROM ${db}.trail_facts GROUP BY day, requester, office_work, provider, outcome`,
  `CREATE TABLE IF NOT EXISTS ${db}.changes_monthly (
    month Date, municipality String, change_type String, changes AggregateFunction(count)
  ) ENGINE = AggregatingMergeTree() PARTITION BY toYear(month) ORDER BY (month, municipality, change_type)`,
  `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.changes_monthly_mv TO ${db}.changes_monthly AS
    SELECT toStartOfMonth(day) AS month, municipality, change_type, countState() AS changes
    FROM ${db}.record_change_facts GROUP BY month, municipality, change_type`,
  `CREATE TABLE IF NOT EXISTS ${db}.consents_monthly (
    month Date, recipient String, purpose String, state String, consents AggregateFunction(count)
  ) ENGINE = AggregatingMergeTree() PARTITION BY toYear(month) ORDER BY (month, recipient, purpose, state)`,
  `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.consents_monthly_mv TO ${db}.consents_monthly AS
    SELECT toStartOfMonth(day) AS month, recipient, purpose, state, countState() AS consents
    FROM ${db}.consent_facts GROUP BY month, recipient, purpose, state`,
];

/** `if(<small>, NULL, value)`: a cell below k is published as suppressed (NULL), as statistical tables do. */
const hide = (small: string, value: string) => `if(${small}, NULL, ${value})`;

/**
 * The suppressed report views, by name. Every count below k is NULL; a derived value (rate, net,
 * quantile) is NULL whenever a count it is computed from is, so no hidden cell can be recovered
 * from its row. A zero count is published (it singles out no one).
 */
export function reportViewsSql(db: string, k: number): Record<string, string> {
  const few = (n: string) => `(${n} > 0 AND ${n} < ${k})`;
  return {
    report_top_office_works: `SELECT office_work, ${hide(few('n'), 'n')} AS accesses,
        ${hide(few('n'), 'requesters')} AS requesters
      FROM (SELECT office_work, sum(n) AS n, uniqExact(requester) AS requesters
        FROM (SELECT office_work, requester, countMerge(accesses) AS n FROM ${db}.trail_daily
          GROUP BY office_work, requester) GROUP BY office_work)`,
    report_refusal_rates: `SELECT requester, office_work, ${hide(few('total'), 'total')} AS inquiries,
        ${hide(`${few('total')} OR ${few('refused')}`, 'refused')} AS refused,
        ${hide(`${few('total')} OR ${few('refused')}`, 'round(refused / total, 3)')} AS refusal_rate
      FROM (SELECT requester, office_work, sum(n) AS total, sumIf(n, outcome = 'REFUSED') AS refused
        FROM (SELECT requester, office_work, outcome, countMerge(accesses) AS n FROM ${db}.trail_daily
          GROUP BY requester, office_work, outcome) GROUP BY requester, office_work)`,
    report_latency_by_provider: `SELECT provider, ${hide(few('n'), 'n')} AS accesses,
        ${hide(few('n'), 'round(q[1])')} AS p50_ms, ${hide(few('n'), 'round(q[2])')} AS p95_ms
      FROM (SELECT provider, countMerge(accesses) AS n, quantilesMerge(0.5, 0.95)(latency) AS q
        FROM ${db}.trail_daily GROUP BY provider)`,
    report_monthly_changes: `SELECT month, municipality, change_type, ${hide(few('n'), 'n')} AS changes
      FROM (SELECT month, municipality, change_type, countMerge(changes) AS n FROM ${db}.changes_monthly
        GROUP BY month, municipality, change_type)`,
    report_consent_take_up: `SELECT recipient, purpose, ${hide(few('granted'), 'granted')} AS granted,
        ${hide(`${few('granted')} OR ${few('revoked')}`, 'revoked')} AS revoked,
        ${hide(`${few('granted')} OR ${few('revoked')}`, 'granted - revoked')} AS net
      FROM (SELECT recipient, purpose, sumIf(n, state = 'GRANTED') AS granted,
          sumIf(n, state = 'REVOKED') AS revoked
        FROM (SELECT recipient, purpose, state, countMerge(consents) AS n FROM ${db}.consents_monthly
          GROUP BY recipient, purpose, state) GROUP BY recipient, purpose)`,
    report_ingest_runs: `SELECT system, runs,
        ${hide(few('read'), 'read')} AS rows_read, ${hide(few('published'), 'published')} AS rows_published,
        ${hide(`${few('read')} OR ${few('dead')}`, 'dead')} AS rows_dead_lettered
      FROM (SELECT system, count() AS runs, sum(rows_read) AS read, sum(rows_published) AS published,
        sum(rows_dead_lettered) AS dead FROM ${db}.ingest_facts FINAL GROUP BY system)`,
  };
}

export const REPORT_VIEWS = Object.keys(reportViewsSql('db', 10));

/** The analyst's proxy of one report view: same columns, read through the reports cluster. */
export const reportProxySql = (dbs: AnalyticsDatabases, view: string, columns: string): string =>
  `CREATE TABLE ${dbs.reports}.${view} (${columns}) ENGINE = Distributed(${REPORTS_CLUSTER}, ${dbs.facts}, ${view})`;

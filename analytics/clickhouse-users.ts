import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { TsunagiError } from '../core/errors.js';
import { type AnalyticsDatabases, REPORTS_CLUSTER } from './ddl.js';
import { escapeMarkup } from './markup.js';

/**
 * ClickHouse 18.16 has no SQL users or grants: users live in the server's users.xml, which
 * infra/clickhouse.ts writes from here. Three users besides the local admin (`default`):
 * - `tsunagi_sink`: the writer (inserts facts; the rollups fill themselves);
 * - `tsunagi_facts`: reads raw facts and rollups (readonly, the facts database only);
 * - `tsunagi_analyst`: readonly, the reports database only, whose tables are Distributed proxies that
 *   read the suppressed views back through the `tsunagi_reports` cluster as `tsunagi_facts`. A view
 *   over another database is not enough on 18.16: its inner query is checked against the caller.
 * Passwords are generated once into a git-ignored file (mode 0600) and stored hashed in users.xml.
 */
export const CLICKHOUSE_USERS = {
  sink: 'tsunagi_sink',
  facts: 'tsunagi_facts',
  analyst: 'tsunagi_analyst',
} as const;
export type ClickhouseRole = keyof typeof CLICKHOUSE_USERS;

const Credentials = z.object({
  sink: z.string().min(16),
  facts: z.string().min(16),
  analyst: z.string().min(16),
});
export type ClickhousePasswords = z.infer<typeof Credentials>;

/** Reads the passwords file, creating it with fresh random passwords when it is missing. */
export function ensurePasswords(file: string): ClickhousePasswords {
  if (!existsSync(file)) {
    const fresh = () => randomBytes(18).toString('base64url');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ sink: fresh(), facts: fresh(), analyst: fresh() }, null, 2)}\n`, {
      mode: 0o600,
    });
    chmodSync(file, 0o600);
  }
  return readPasswords(file);
}

export function readPasswords(file: string): ClickhousePasswords {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new TsunagiError('CONFIG_INVALID', `ClickHouse credentials file ${file} is missing or unreadable`, {
      path: file,
      cause,
    });
  }
  const result = Credentials.safeParse(parsed);
  if (!result.success)
    throw new TsunagiError('CONFIG_INVALID', `ClickHouse credentials file ${file} is malformed`, {
      path: file,
    });
  return result.data;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const LOOPBACK = '<networks><ip>127.0.0.1</ip><ip>::1</ip></networks>';

function user(name: string, password: string, profile: string, databases?: string[]): string {
  const allow = databases
    ? `<allow_databases>${databases.map((d) => `<database>${d}</database>`).join('')}</allow_databases>`
    : '';
  return `    <${name}><password_sha256_hex>${sha256(password)}</password_sha256_hex>${LOOPBACK}<profile>${profile}</profile><quota>default</quota>${allow}</${name}>`;
}

/** users.xml: the passwordless loopback admin that infra/ provisions with, and the three analytics users. */
export function usersXml(passwords: ClickhousePasswords, dbs: AnalyticsDatabases): string {
  return `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>4000000000</max_memory_usage>
      <load_balancing>random</load_balancing>
    </default>
    <!-- readonly=1 forbids writes, DDL, setting changes and table functions (remote(), url(), file()).
         prefer_localhost_replica=0 makes the reports cluster connect back as its own user instead of
         running the proxied view in the analyst's session. -->
    <readonly>
      <max_memory_usage>4000000000</max_memory_usage>
      <max_execution_time>60</max_execution_time>
      <prefer_localhost_replica>0</prefer_localhost_replica>
      <readonly>1</readonly>
    </readonly>
  </profiles>
  <users>
    <default><password></password>${LOOPBACK}<profile>default</profile><quota>default</quota></default>
${user(CLICKHOUSE_USERS.sink, passwords.sink, 'default')}
${user(CLICKHOUSE_USERS.facts, passwords.facts, 'readonly', [dbs.facts])}
${user(CLICKHOUSE_USERS.analyst, passwords.analyst, 'readonly', [dbs.reports])}
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
}

/** The `<remote_servers>` section of config.xml: the loopback cluster the analyst's proxies read through. */
export function reportsClusterXml(tcpPort: number, passwords: ClickhousePasswords): string {
  return `  <remote_servers>
    <${REPORTS_CLUSTER}>
      <shard><replica><host>127.0.0.1</host><port>${tcpPort}</port><user>${CLICKHOUSE_USERS.facts}</user><password>${escapeMarkup(passwords.facts)}</password></replica></shard>
    </${REPORTS_CLUSTER}>
  </remote_servers>`;
}

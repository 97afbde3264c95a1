import { TsunagiError } from '../core/errors.js';
import { agencyGroupPrefix } from '../platform/consumer-groups.js';
import { HUB_PRINCIPALS, type HubPrincipal } from '../platform/kafka-credentials.js';
import { agencyNotificationTopic, Topics } from '../schemas/topics.js';
import { SUPER_USERS } from './broker-security.js';

/**
 * Who may do what on Kafka: THE table. Provisioning applies it to the broker for the configured
 * TOPIC_PREFIX (provision-acls.ts), the deployment's ACL script is generated from it
 * (infra/deploy/kafka-acls.sh), and the broker refuses everything it does not allow
 * (`allow.everyone.if.no.acl.found=false`). Only `broker` and `admin` are super users.
 *
 * Topic names are suffixes after TOPIC_PREFIX; consumer-group names are used as they are (the
 * code names its groups without the prefix). A prefixed group grant ends where the code's random
 * suffix begins, so one principal cannot join another's groups.
 */
export type AclOperation = 'READ' | 'WRITE' | 'DESCRIBE' | 'CREATE' | 'ALTER_CONFIGS' | 'DESCRIBE_CONFIGS';

export interface Grant {
  resource: 'topic' | 'group';
  name: string;
  pattern: 'literal' | 'prefixed';
  operations: readonly AclOperation[];
}

export interface PrincipalRow {
  principal: string;
  /** What the principal is, for the humans reading the table and the deployment script. */
  what: string;
  grants: readonly Grant[];
}

/**
 * A deployment's schema registry keeps its state on Kafka (Apicurio `kafkasql` storage, see
 * infra/deploy/): its topics, named under the prefix, and its consumer-group prefix. The local
 * registry uses a file instead, so locally these ACLs are granted but unused.
 */
export const REGISTRY_TOPICS = {
  journal: 'registry-journal',
  snapshots: 'registry-snapshots',
  events: 'registry-events',
} as const;
export const REGISTRY_GROUP_PREFIX = 'tsunagi-registry-';

const topics = (operations: readonly AclOperation[], ...names: string[]): Grant[] =>
  names.map((name) => ({ resource: 'topic', name, pattern: 'literal', operations }));
const reads = (...names: string[]) => topics(['READ', 'DESCRIBE'], ...names);
const writes = (...names: string[]) => topics(['WRITE', 'DESCRIBE'], ...names);
const groups = (...prefixes: string[]): Grant[] =>
  prefixes.map((name) => ({
    resource: 'group',
    name,
    pattern: 'prefixed',
    operations: ['READ', 'DESCRIBE'],
  }));
/** Every agency's notification topic (the prefix `agency.`). */
const agencyTopics = (operations: readonly AclOperation[]): Grant => ({
  resource: 'topic',
  name: 'agency.',
  pattern: 'prefixed',
  operations,
});

const T = Topics;

type HubRow = PrincipalRow & { principal: Exclude<HubPrincipal, 'broker' | 'admin'> };

/** The hub's own services, one principal each. */
export const HUB_ROWS: readonly HubRow[] = [
  {
    principal: 'ingest',
    what: 'producers: export ingest (resident records, items, dead letters) and the identity vault',
    grants: [
      ...writes(T.residentRecords, T.informationItems, T.deadLetters, T.ingestRuns),
      ...topics(['READ', 'WRITE', 'DESCRIBE'], T.identityEnrolments, T.agencyCodes, T.certificateBindings),
      ...groups('tsunagi-identity-replay-'),
    ],
  },
  {
    principal: 'projector',
    what: 'projections: exactly-once local views',
    grants: [
      ...reads(
        T.residentRecords,
        T.informationItems,
        T.consents,
        T.certificateStatus,
        T.accessTrail,
        T.agencyCodes,
      ),
      ...writes(T.deadLetters),
      ...groups('tsunagi-projection-'),
    ],
  },
  {
    principal: 'subscriptions',
    what: 'subscription service: agency notifications, recorded in the trail first',
    grants: [
      ...reads(T.residentRecords, T.informationItems),
      ...writes(T.accessTrail, T.agencyCodes, T.deadLetters),
      agencyTopics(['CREATE', 'WRITE', 'DESCRIBE', 'ALTER_CONFIGS']),
      ...groups('tsunagi-subscriptions'),
    ],
  },
  {
    principal: 'gateway',
    what: 'gateway: inquiries, links, consents, resident sign-in, ledger and notice inbox; writes the trail',
    grants: [
      ...writes(T.accessTrail, T.agencyCodes, T.securityAudit, T.deadLetters),
      ...topics(['READ', 'WRITE', 'DESCRIBE'], T.consents, T.residentLedger, T.notices, T.gatewaySessions),
      ...reads(T.certificateStatus),
      ...groups(
        'gateway-consents-',
        'gateway-ledger-',
        'gateway-notices-',
        'gateway-sessions-',
        'tsunagi-jpki-revocation-feed-',
      ),
    ],
  },
  {
    principal: 'jpki-revocations',
    what: 'JPKI CRL ingest: certificate revocations',
    grants: [
      ...topics(['READ', 'WRITE', 'DESCRIBE'], T.certificateStatus),
      ...groups('tsunagi-jpki-revocation-feed-'),
    ],
  },
  {
    principal: 'analytics',
    what: 'analytics loader: pseudonymous aggregates into ClickHouse',
    grants: [
      ...reads(T.accessTrail, T.residentRecords, T.consents, T.ingestRuns),
      ...writes(T.deadLetters),
      ...groups('analytics'),
    ],
  },
  {
    principal: 'trail-log',
    what: 'trail Merkle log: signed checkpoints of the access trail',
    grants: [
      ...reads(T.accessTrail),
      ...writes(T.deadLetters),
      ...topics(['READ', 'WRITE', 'DESCRIBE'], T.trailCheckpoints),
      ...groups('trail-log'),
    ],
  },
  {
    principal: 'notices',
    what: 'eligibility notices: to residents and agencies, recorded in the trail first',
    grants: [
      ...reads(T.residentRecords, T.informationItems, T.residentLedger),
      ...writes(T.accessTrail, T.agencyCodes, T.notices, T.deadLetters),
      agencyTopics(['CREATE', 'WRITE', 'DESCRIBE', 'ALTER_CONFIGS']),
      ...groups('notices'),
    ],
  },
  {
    principal: 'operator',
    what: "hub operators' tools: dead-letter recovery, the security audit",
    grants: [...reads(T.deadLetters, T.securityAudit), ...groups('operator-')],
  },
  {
    principal: 'reconcile',
    what: 'reconciliation: reads the access trail to compare it with the answers received and the history view',
    grants: [...reads(T.accessTrail), ...groups('reconcile-')],
  },
  {
    principal: 'registry',
    what: 'schema registry (deployment): its kafkasql journal, snapshots and events',
    grants: [
      ...topics(
        ['READ', 'WRITE', 'DESCRIBE', 'CREATE', 'DESCRIBE_CONFIGS'],
        ...Object.values(REGISTRY_TOPICS),
      ),
      ...groups(REGISTRY_GROUP_PREFIX),
    ],
  },
];

/** Agency ids become principals, topic names and group prefixes: no dots (a dot would nest names). */
const AGENCY_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** An agency reads its own notification topic with its own groups, and nothing else. */
export function agencyRow(agencyId: string): PrincipalRow {
  if (!AGENCY_ID.test(agencyId))
    throw new TsunagiError('CONFIG_INVALID', `agency id "${agencyId}" cannot be a Kafka principal`, {
      path: 'agencyId',
    });
  if ((HUB_PRINCIPALS as readonly string[]).includes(agencyId) || SUPER_USERS.includes(agencyId as 'admin'))
    throw new TsunagiError('CONFIG_INVALID', `agency id "${agencyId}" is reserved for a hub principal`, {
      path: 'agencyId',
    });
  return {
    principal: agencyId,
    what: `agency ${agencyId}: its own notifications`,
    grants: [
      ...reads(agencyNotificationTopic(agencyId)),
      {
        resource: 'group',
        name: agencyGroupPrefix(agencyId),
        pattern: 'prefixed',
        operations: ['READ', 'DESCRIBE'],
      },
    ],
  };
}

export const aclTable = (agencyIds: readonly string[]): PrincipalRow[] => [
  ...HUB_ROWS,
  ...[...new Set(agencyIds)].sort().map(agencyRow),
];

/** One ACL entry as Kafka stores it: always ALLOW, from any host. */
export interface AclBinding {
  principal: string;
  resource: 'topic' | 'group';
  name: string;
  pattern: 'literal' | 'prefixed';
  operation: AclOperation;
}

/** The table as ACL entries for one TOPIC_PREFIX, in a stable order. */
export function aclBindings(rows: readonly PrincipalRow[], topicPrefix: string): AclBinding[] {
  return rows.flatMap((row) =>
    row.grants.flatMap((grant) =>
      grant.operations.map((operation) => ({
        principal: `User:${row.principal}`,
        resource: grant.resource,
        name: grant.resource === 'topic' ? `${topicPrefix}${grant.name}` : grant.name,
        pattern: grant.pattern,
        operation,
      })),
    ),
  );
}

export const bindingKey = (b: AclBinding): string =>
  [b.principal, b.resource, b.pattern, b.name, b.operation].join('|');

/**
 * The topics of DESIGN.md §4. Names are suffixes; the configured TOPIC_PREFIX
 * (default `tsunagi.`) is put in front. Partition counts are explicit so that
 * keyed ordering (one resident's events on one partition) is stable.
 */
export interface TopicSpec {
  /** Suffix after TOPIC_PREFIX. */
  name: string;
  partitions: number;
  cleanupPolicy: 'delete' | 'compact';
  /** Milliseconds; -1 keeps forever. Ignored for compacted topics. */
  retentionMs: number;
  /** What the key is, for humans. */
  key: string;
  description: string;
}

const FOREVER = -1;
const DAYS = 24 * 60 * 60 * 1000;

export const Topics = {
  residentRecords: 'resident-records',
  informationItems: 'information-items',
  consents: 'consents',
  certificateStatus: 'certificate-status',
  accessTrail: 'access-trail',
  trailCheckpoints: 'trail-checkpoints',
  deadLetters: 'dead-letters',
  identityEnrolments: 'identity-enrolments',
  agencyCodes: 'agency-codes',
  certificateBindings: 'certificate-bindings',
  securityAudit: 'security-audit',
  ingestRuns: 'ingest-runs',
  residentLedger: 'resident-ledger',
  notices: 'notices',
  gatewaySessions: 'gateway-sessions',
} as const;
export type TopicName = (typeof Topics)[keyof typeof Topics];

export const TOPIC_SPECS: readonly TopicSpec[] = [
  {
    name: Topics.residentRecords,
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    key: 'linkage id',
    description: 'resident record changed, with basic four information and per-resident sequence',
  },
  {
    name: Topics.informationItems,
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    key: 'linkage id',
    description: 'information item published / withdrawn by a provider',
  },
  {
    name: Topics.consents,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    key: 'linkage id',
    description: 'consent granted / revoked',
  },
  {
    name: Topics.certificateStatus,
    partitions: 3,
    cleanupPolicy: 'compact',
    retentionMs: FOREVER,
    key: 'issuer + serial',
    description: 'certificate revoked (CRL ingest or OCSP)',
  },
  {
    name: Topics.accessTrail,
    // One partition: the offset is the Merkle log's index (docs/trail-log.md), so the trail has one
    // total order that the tree, the checkpoints and every proof refer to.
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    key: 'linkage id',
    description: 'disclosure recorded: the legally required access trail, in one total order',
  },
  {
    name: Topics.trailCheckpoints,
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    key: 'log origin',
    description: "signed checkpoints of the access trail's Merkle log (C2SP signed-note text, not Avro)",
  },
  {
    name: Topics.deadLetters,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 365 * DAYS,
    key: 'source key',
    description: 'rejected input with reason and original bytes',
  },
  {
    name: Topics.identityEnrolments,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    key: 'keyed hash of My Number',
    description: 'internal, access-restricted: encrypted vault entries (keyed hash → linkage id)',
  },
  {
    name: Topics.agencyCodes,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    key: 'agency id',
    description: 'agency code issued to an agency when it first links a resident',
  },
  {
    name: Topics.certificateBindings,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    key: 'keyed hash of the certificate name',
    description:
      'internal, access-restricted: JPKI certificate bound to a resident (keyed hash → sealed linkage id)',
  },
  {
    // Two years: an intrusion is often found months later, and these records are small and hold no
    // personal data. Separate from the access trail, which is the residents' record of disclosures.
    name: Topics.securityAudit,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 730 * DAYS,
    key: 'event kind',
    description:
      'security events: refusals before the trail (authentication, malformed, unknown code, rate limit)',
  },
  {
    name: Topics.ingestRuns,
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    key: 'core system',
    description:
      'one summary per export-ingest run: system, file base name, rows read / published / dead-lettered',
  },
  {
    // Compacted by linkage id and entry: a changed or removed account's ciphertext does not stay forever.
    name: Topics.residentLedger,
    partitions: 3,
    cleanupPolicy: 'compact',
    retentionMs: FOREVER,
    key: 'linkage id : entry',
    description:
      "internal: the resident's public-money account and contact for notices, sealed (never in clear)",
  },
  {
    name: Topics.notices,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: FOREVER,
    key: "the resident portal's PPID",
    description: 'eligibility notices issued to residents, and their "not interested" answers',
  },
  {
    // Shared by the gateway instances (docs/gateway.md, "Several instances"): a day outlives every
    // challenge (minutes) and every session token (at most an hour) the records name.
    name: Topics.gatewaySessions,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 1 * DAYS,
    key: 'challenge id or session id',
    description:
      'internal to the gateway: sign-in challenges issued and spent, sessions signed out (ids and times only, JSON)',
  },
];

/** Per-agency notification topics carry agency codes only. */
export type AgencyTopicName = `agency.${string}.notifications`;
export const agencyNotificationTopic = (agencyId: string): AgencyTopicName =>
  `agency.${agencyId}.notifications`;

/** What can be appended to or read from: one of the topics above, or an agency's own topic (suffixes). */
export type TopicRef = TopicName | AgencyTopicName;

export const AGENCY_NOTIFICATION_SPEC: Omit<TopicSpec, 'name'> = {
  partitions: 3,
  cleanupPolicy: 'delete',
  retentionMs: 90 * DAYS,
  key: 'agency code',
  description: 'change notifications an agency is entitled to',
};

export const topicName = (prefix: string, suffix: string): string => `${prefix}${suffix}`;

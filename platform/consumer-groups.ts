import type { HubPrincipal } from './kafka-credentials.js';

/**
 * The consumer-group names of Tsunagi's readers, each under a group prefix the ACL table
 * (infra/acls.ts) grants to the principals that run it; infra/acls.unit.test.ts checks they agree.
 * The broker refuses a group outside its principal's prefix (GROUP_AUTHORIZATION_FAILED).
 */
export const CONSUMER_GROUPS = {
  /** The projector: one group per view and process, offsets stored with the view (`stored`). */
  projection: { prefix: 'tsunagi-projection-', principals: ['projector'] },
  /** The gateway's consents in memory (`earliest`). */
  gatewayConsents: { prefix: 'gateway-consents-', principals: ['gateway'] },
  /** The gateway's sign-in challenges and signed-out sessions in memory (`earliest`), shared by its instances. */
  gatewaySessions: { prefix: 'gateway-sessions-', principals: ['gateway'] },
  /** jpki's revocations in memory (`earliest`): the gateway's sign-in and the CRL ingest. */
  revocationFeed: { prefix: 'tsunagi-jpki-revocation-feed-', principals: ['gateway', 'jpki-revocations'] },
  /** The identity hub's rebuild from its topics (`earliest`). */
  identityReplay: { prefix: 'tsunagi-identity-replay-', principals: ['ingest'] },
  /** The trail's Merkle log (`stored`: the integrated size) and its entry reader. */
  trailLog: { prefix: 'trail-log-', principals: ['trail-log'] },
  /** The analytics sink (`committed`), one group per topic prefix and database. */
  analytics: { prefix: 'analytics-sink.', principals: ['analytics'] },
  /** The subscription service (`committed`), one group per topic prefix. */
  subscriptions: { prefix: 'tsunagi-subscriptions.', principals: ['subscriptions'] },
  /** Operators' tools reading to the end (`earliest`): dead letters, the security audit. */
  operator: { prefix: 'operator-', principals: ['operator'] },
} as const satisfies Record<string, { prefix: string; principals: readonly HubPrincipal[] }>;

/** The consumer-group prefix an agency's consumers must use: `agency.<id>.` */
export const agencyGroupPrefix = (agencyId: string): string => `agency.${agencyId}.`;

/**
 * The broker's security settings, shared by the local stack (infra/kafka.ts) and the deployment
 * descriptor (infra/deploy/docker-compose.yml, checked by deploy.unit.test.ts):
 * - every listener, the controller's included, is TLS 1.3 with a required client certificate,
 *   so no connection is anonymous (TLS 1.3 has no renegotiation either);
 * - the principal is the certificate's CN (the rest of the subject is dropped);
 * - KRaft's StandardAuthorizer decides every request, and what no ACL allows is refused;
 * - the only super users are the brokers themselves and the provisioning admin.
 */
export const SUPER_USERS = ['broker', 'admin'] as const;

export const PRINCIPAL_MAPPING_RULES = 'RULE:^CN=([^,]+)(,.*)?$/$1/,DEFAULT';

export function brokerSecurityProperties(files: {
  keystore: string;
  truststore: string;
}): Record<string, string> {
  return {
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': files.keystore,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': files.truststore,
    'ssl.client.auth': 'required',
    'ssl.protocol': 'TLSv1.3',
    'ssl.enabled.protocols': 'TLSv1.3',
    'ssl.endpoint.identification.algorithm': 'https',
    'ssl.principal.mapping.rules': PRINCIPAL_MAPPING_RULES,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found': 'false',
    'super.users': SUPER_USERS.map((p) => `User:${p}`).join(';'),
  };
}

/**
 * Replication of a three-node cluster, shared by the local cluster (infra/kafka-cluster.ts) and the
 * deployment descriptor: three copies of everything, and a write with acks=all is acknowledged only
 * once at least two of them hold it; a replica that fell behind is never elected leader (it would
 * drop acknowledged records).
 */
export const CLUSTER_REPLICATION_PROPERTIES = {
  'default.replication.factor': '3',
  'min.insync.replicas': '2',
  'offsets.topic.replication.factor': '3',
  'transaction.state.log.replication.factor': '3',
  'transaction.state.log.min.isr': '2',
  'unclean.leader.election.enable': 'false',
} as const;
